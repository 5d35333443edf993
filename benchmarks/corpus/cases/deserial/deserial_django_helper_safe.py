import base64
import json
import pickle
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def transform(value):
    return str(int(value))


def case(request, value):
    param = value
    bar = transform(param)
    obj = pickle.loads(base64.b64decode(bar))
    return HttpResponse("done")
