import random
import secrets
import string

from django.http import JsonResponse
from django.shortcuts import render
from django.http import HttpResponse, HttpResponseRedirect

ALPHABET = string.ascii_letters + string.digits

ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = "".join(random.choice(ALPHABET) for _ in range(32))
    bar = param
    resp = HttpResponse("ok")
    resp.set_cookie("sessionid", bar, secure=True, httponly=True)
    return resp
