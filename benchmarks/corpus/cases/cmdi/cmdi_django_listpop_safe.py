import shlex
import subprocess
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.META.get("HTTP_X_VALUE", "")
    items = ["safe", param, "other"]
    items.pop(0)
    bar = items[1]
    subprocess.run("echo " + bar, shell=True)
    return HttpResponse("done")
