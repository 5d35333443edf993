import os
from werkzeug.utils import secure_filename
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.body.decode("utf-8")
    bar = "alpha"
    if param:
        bar = param
    with open(os.path.join("/srv/data", bar)) as handle:
        data = handle.read()
    return HttpResponse("done")
