from lxml import etree
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.body.decode("utf-8")
    bar = "alpha"
    if param:
        bar = param
    doc = etree.fromstring(bar.encode())
    return HttpResponse("done")
