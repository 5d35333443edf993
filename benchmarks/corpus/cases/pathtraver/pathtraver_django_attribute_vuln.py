import os
from werkzeug.utils import secure_filename
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


class Holder:
    def __init__(self, value):
        self.value = value
        self.label = "safe"


def case(request):
    param = request.GET.getlist("value")[0]
    bar = Holder(param).value
    with open(os.path.join("/srv/data", bar)) as handle:
        data = handle.read()
    return HttpResponse("done")
