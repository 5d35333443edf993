import requests
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.body.decode("utf-8")
    bar = "alpha"
    if param:
        bar = param
    response = requests.get(bar, timeout=5)
    return HttpResponse("done")
