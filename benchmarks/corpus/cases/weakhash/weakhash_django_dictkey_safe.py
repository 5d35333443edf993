import hashlib
import json
import os
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.POST.get("passwd", "")
    values = {"keyA": "safe", "keyB": param}
    bar = values["keyB"]
    digest = hashlib.scrypt(bar.encode(), salt=os.urandom(16), n=2**15, r=8, p=1).hex()
    return HttpResponse("done")
