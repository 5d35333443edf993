import base64
import json
import pickle
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.body.decode("utf-8")
    bar = "alpha"
    if param:
        bar = param
    obj = pickle.loads(base64.b64decode(bar))
    return HttpResponse("done")
