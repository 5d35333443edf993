import random
import secrets
import string

from django.http import JsonResponse
from django.shortcuts import render
from django.http import HttpResponse, HttpResponseRedirect

ALPHABET = string.ascii_letters + string.digits

ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = str(random.randint(100000, 999999))
    num = 106
    bar = param if 7 * 18 + num > 200 else "safe"
    request.session["csrf_token"] = bar
    return HttpResponse("done")
