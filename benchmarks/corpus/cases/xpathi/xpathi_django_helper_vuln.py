from lxml import etree
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def transform(value):
    return value.strip()


def case(request, value):
    param = value
    bar = transform(param)
    root = etree.parse("users.xml")
    nodes = root.xpath("//user[@name='" + bar + "']")
    return HttpResponse("done")
