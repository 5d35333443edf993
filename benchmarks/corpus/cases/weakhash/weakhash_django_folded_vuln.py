import hashlib
import json
import os
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = json.loads(request.body)["new_password"]
    num = 106
    bar = param if 7 * 18 + num > 200 else "safe"
    digest = hashlib.sha1(bar.encode()).hexdigest()
    return HttpResponse("done")
