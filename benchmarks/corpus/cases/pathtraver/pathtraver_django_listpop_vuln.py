import os
from werkzeug.utils import secure_filename
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.META.get("HTTP_X_VALUE", "")
    items = ["safe", param, "other"]
    items.pop(0)
    bar = items[0]
    with open(os.path.join("/srv/data", bar)) as handle:
        data = handle.read()
    return HttpResponse("done")
