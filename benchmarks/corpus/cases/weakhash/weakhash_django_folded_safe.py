import hashlib
import json
import os
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = json.loads(request.body)["new_password"]
    num = 106
    bar = param if 7 * 18 + num > 200 else "safe"
    digest = hashlib.pbkdf2_hmac("sha256", bar.encode(), os.urandom(16), 600_000).hex()
    return HttpResponse("done")
