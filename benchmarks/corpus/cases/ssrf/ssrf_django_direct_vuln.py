import requests
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.GET.get("value", "")
    bar = param
    response = requests.get(bar, timeout=5)
    return HttpResponse("done")
