from lxml import etree
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.POST["value"]
    num = 106
    bar = "safe" if 7 * 18 + num > 200 else param
    root = etree.parse("users.xml")
    nodes = root.xpath("//user[@name='" + bar + "']")
    return HttpResponse("done")
