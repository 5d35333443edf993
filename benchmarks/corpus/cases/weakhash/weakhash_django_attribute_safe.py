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
    digest = hashlib.pbkdf2_hmac("sha512", bar.encode(), os.urandom(16), 210_000).hex()
    return HttpResponse("done")
