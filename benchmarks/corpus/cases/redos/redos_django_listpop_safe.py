import re
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.META.get("HTTP_X_VALUE", "")
    items = ["safe", param, "other"]
    items.pop(0)
    bar = items[1]
    match = re.search(bar, "some text to search")
    return HttpResponse("done")
