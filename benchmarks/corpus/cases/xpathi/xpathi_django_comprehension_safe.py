from lxml import etree
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.POST["value"]
    parts = [p.strip() for p in param.split(",") if p in ALLOWED_VALUES]
    bar = ",".join(parts)
    root = etree.parse("users.xml")
    nodes = root.xpath("//user[@name='" + bar + "']")
    return HttpResponse("done")
