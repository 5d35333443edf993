import requests
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.COOKIES.get("value", "")
    bar = f"{len(param)}"
    response = requests.get(bar, timeout=5)
    return HttpResponse("done")
