import hashlib
import json
import os
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = json.loads(request.body)["new_password"]
    parts = [p.strip() for p in param.split(",")]
    bar = ",".join(parts)
    digest = hashlib.pbkdf2_hmac("sha256", bar.encode(), os.urandom(16), 600_000).hex()
    return HttpResponse("done")
