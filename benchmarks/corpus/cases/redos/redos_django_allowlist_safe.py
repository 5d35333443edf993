import re
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.body.decode("utf-8")
    bar = "alpha"
    if param in ALLOWED_VALUES:
        bar = param
    match = re.search(bar, "some text to search")
    return HttpResponse("done")
