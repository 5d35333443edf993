import shlex
import subprocess
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def transform(value):
    return value.strip()


def case(request, value):
    param = value
    bar = transform(param)
    subprocess.run("echo " + bar, shell=True)
    return HttpResponse("done")
