import os
from werkzeug.utils import secure_filename
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.META.get("HTTP_X_VALUE", "")
    switch = "b"
    if switch == "a":
        bar = "safe"
    else:
        bar = param
    with open(os.path.join("/srv/data", bar)) as handle:
        data = handle.read()
    return HttpResponse("done")
