import random
import secrets
import string

from django.http import JsonResponse
from django.shortcuts import render
from django.http import HttpResponse, HttpResponseRedirect

ALPHABET = string.ascii_letters + string.digits

ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = "".join(random.SystemRandom().sample(ALPHABET, 20))
    bar = ""
    for piece in param.split(","):
        bar += piece
    return JsonResponse({"api_key": bar})
