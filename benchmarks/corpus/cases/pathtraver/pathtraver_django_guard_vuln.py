import os
from werkzeug.utils import secure_filename
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.GET.get("value", "")
    if param == "":
        return HttpResponse("done")
    bar = param
    with open(os.path.join("/srv/data", bar)) as handle:
        data = handle.read()
    return HttpResponse("done")
