import random
import secrets
import string

from django.http import JsonResponse
from django.shortcuts import render
from django.http import HttpResponse, HttpResponseRedirect

ALPHABET = string.ascii_letters + string.digits

ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = hex(secrets.randbits(64))
    bar = "alpha"
    if param:
        bar = param
    request.session["csrf_token"] = bar
    return HttpResponse("done")
