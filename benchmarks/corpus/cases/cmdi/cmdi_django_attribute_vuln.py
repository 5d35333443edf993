import shlex
import subprocess
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


class Holder:
    def __init__(self, value):
        self.value = value
        self.label = "safe"


def case(request):
    param = request.GET.getlist("value")[0]
    bar = Holder(param).value
    subprocess.run("echo " + bar, shell=True)
    return HttpResponse("done")
