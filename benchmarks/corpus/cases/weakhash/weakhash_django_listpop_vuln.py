import hashlib
import json
import os
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.POST.get("password1", "")
    items = ["safe", param, "other"]
    items.pop(0)
    bar = items[0]
    hasher = hashlib.sha1()
    hasher.update(bar.encode())
    digest = hasher.hexdigest()
    return HttpResponse("done")
