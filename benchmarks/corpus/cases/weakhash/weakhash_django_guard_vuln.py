import hashlib
import json
import os
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.POST["password"]
    if param == "":
        return HttpResponse("done")
    bar = param
    digest = hashlib.md5(bar.encode()).hexdigest()
    return HttpResponse("done")
