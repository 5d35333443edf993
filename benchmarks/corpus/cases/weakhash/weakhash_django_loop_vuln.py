import hashlib
import json
import os
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.POST["pwd"]
    bar = ""
    for piece in param.split(","):
        bar += piece
    digest = hashlib.new("md5", bar.encode()).hexdigest()
    return HttpResponse("done")
