from lxml import etree
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.body.decode("utf-8")
    bar = "alpha"
    if param in ALLOWED_VALUES:
        bar = param
    root = etree.parse("users.xml")
    nodes = root.xpath("//user[@name='" + bar + "']")
    return HttpResponse("done")
