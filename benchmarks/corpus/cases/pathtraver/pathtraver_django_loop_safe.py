import os
from werkzeug.utils import secure_filename
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.headers.get("X-Value", "")
    bar = ""
    for piece in param.split(","):
        bar += "x" * len(piece)
    with open(os.path.join("/srv/data", bar)) as handle:
        data = handle.read()
    return HttpResponse("done")
