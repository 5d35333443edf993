import hashlib
import json
import os
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


class Holder:
    def __init__(self, value):
        self.value = value
        self.label = "safe"


def case(request):
    param = request.POST.getlist("password")[0]
    bar = Holder(param).value
    hasher = hashlib.sha1()
    hasher.update(bar.encode())
    digest = hasher.hexdigest()
    return HttpResponse("done")
