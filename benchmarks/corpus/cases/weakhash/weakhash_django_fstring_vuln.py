import hashlib
import json
import os
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.POST.get("passwd", "")
    bar = f"{param}"
    digest = hashlib.new("md5", bar.encode()).hexdigest()
    return HttpResponse("done")
