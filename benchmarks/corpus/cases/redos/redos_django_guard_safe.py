import re
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.GET.get("value", "")
    if param not in ALLOWED_VALUES:
        return HttpResponse("done")
    bar = param
    match = re.search(bar, "some text to search")
    return HttpResponse("done")
