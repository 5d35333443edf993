import hashlib
import json
import os
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.POST.get("password1", "")
    switch = "b"
    if switch == "a":
        bar = "safe"
    else:
        bar = param
    hasher = hashlib.sha1()
    hasher.update(bar.encode())
    digest = hasher.hexdigest()
    return HttpResponse("done")
