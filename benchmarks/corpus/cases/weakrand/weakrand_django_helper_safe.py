import random
import secrets
import string

from django.http import JsonResponse
from django.shortcuts import render
from django.http import HttpResponse, HttpResponseRedirect

ALPHABET = string.ascii_letters + string.digits

ALLOWED_VALUES = ("alpha", "beta", "gamma")


def transform(value):
    return value.strip()


def case(request):
    param = str(random.SystemRandom().random())[2:]
    bar = transform(param)
    resp = HttpResponse("ok")
    resp.set_cookie("sessionid", bar, secure=True, httponly=True)
    return resp
