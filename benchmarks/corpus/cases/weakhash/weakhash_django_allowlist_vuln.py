import hashlib
import json
import os
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = json.loads(request.body).get("currentPassword", "")
    bar = "alpha"
    if param:
        bar = param
    digest = hashlib.sha1(bar.encode()).hexdigest()
    return HttpResponse("done")
