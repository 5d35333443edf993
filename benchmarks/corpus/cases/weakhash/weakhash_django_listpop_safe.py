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
    digest = hashlib.pbkdf2_hmac("sha512", bar.encode(), os.urandom(16), 210_000).hex()
    return HttpResponse("done")
