import random
import secrets
import string

from django.http import JsonResponse
from django.shortcuts import render
from django.http import HttpResponse, HttpResponseRedirect

ALPHABET = string.ascii_letters + string.digits

ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = str(secrets.randbelow(900000) + 100000)
    parts = [p.strip() for p in param.split(",")]
    bar = ",".join(parts)
    request.session["csrf_token"] = bar
    return HttpResponse("done")
