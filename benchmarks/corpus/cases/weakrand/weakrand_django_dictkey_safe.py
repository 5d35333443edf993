import random
import secrets
import string

from django.http import JsonResponse
from django.shortcuts import render
from django.http import HttpResponse, HttpResponseRedirect

ALPHABET = string.ascii_letters + string.digits

ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = secrets.token_hex(16)
    values = {"keyA": "safe", "keyB": param}
    bar = values["keyB"]
    return JsonResponse({"api_key": bar})
