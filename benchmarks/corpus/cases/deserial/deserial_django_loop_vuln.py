import base64
import json
import pickle
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.headers.get("X-Value", "")
    bar = ""
    for piece in param.split(","):
        bar += piece
    obj = pickle.loads(base64.b64decode(bar))
    return HttpResponse("done")
