import requests
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def transform(value):
    return str(int(value))


def case(request, value):
    param = value
    bar = transform(param)
    response = requests.get(bar, timeout=5)
    return HttpResponse("done")
