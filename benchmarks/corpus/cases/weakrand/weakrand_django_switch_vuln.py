import random
import secrets
import string

from django.http import JsonResponse
from django.shortcuts import render
from django.http import HttpResponse, HttpResponseRedirect

ALPHABET = string.ascii_letters + string.digits

ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = "".join(random.choices(ALPHABET, k=32))
    switch = "b"
    if switch == "a":
        bar = "safe"
    else:
        bar = param
    return render(request, "reset.html", {"reset_token": bar})
