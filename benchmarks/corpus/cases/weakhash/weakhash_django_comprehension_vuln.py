import hashlib
import json
import os
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = json.loads(request.body)["new_password"]
    parts = [p.strip() for p in param.split(",")]
    bar = ",".join(parts)
    digest = hashlib.sha1(bar.encode()).hexdigest()
    return HttpResponse("done")
