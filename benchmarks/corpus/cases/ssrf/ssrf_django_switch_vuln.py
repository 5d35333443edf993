import requests
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.META.get("HTTP_X_VALUE", "")
    switch = "b"
    if switch == "a":
        bar = "safe"
    else:
        bar = param
    response = requests.get(bar, timeout=5)
    return HttpResponse("done")
