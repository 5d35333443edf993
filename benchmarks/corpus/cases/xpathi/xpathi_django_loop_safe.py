from lxml import etree
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.headers.get("X-Value", "")
    bar = ""
    for piece in param.split(","):
        bar += "x" * len(piece)
    root = etree.parse("users.xml")
    nodes = root.xpath("//user[@name='" + bar + "']")
    return HttpResponse("done")
