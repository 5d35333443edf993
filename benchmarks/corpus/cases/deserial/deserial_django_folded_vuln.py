import base64
import json
import pickle
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.POST["value"]
    num = 106
    bar = param if 7 * 18 + num > 200 else "safe"
    obj = pickle.loads(base64.b64decode(bar))
    return HttpResponse("done")
