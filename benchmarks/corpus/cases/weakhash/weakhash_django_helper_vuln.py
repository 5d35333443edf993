import hashlib
import json
import os
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def transform(value):
    return value.strip()


def case(request):
    param = request.POST["pin"]
    bar = transform(param)
    digest = hashlib.md5(bar.encode()).hexdigest()
    return HttpResponse("done")
