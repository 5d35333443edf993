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
    digest = hashlib.pbkdf2_hmac("sha256", bar.encode(), os.urandom(16), 600_000).hex()
    return HttpResponse("done")
