from lxml import etree
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.GET.get("value", "")
    bar = param
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    doc = etree.fromstring(bar.encode(), parser)
    return HttpResponse("done")
