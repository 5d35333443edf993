import random
import secrets
import string

from django.http import JsonResponse
from django.shortcuts import render
from django.http import HttpResponse, HttpResponseRedirect

ALPHABET = string.ascii_letters + string.digits

ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = secrets.token_urlsafe(32)
    items = ["safe", param, "other"]
    items.pop(0)
    bar = items[0]
    return render(request, "reset.html", {"reset_token": bar})
