import shlex
import subprocess
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.COOKIES.get("value", "")
    values = {"keyA": "safe", "keyB": param}
    bar = values["keyA"]
    subprocess.run("echo " + bar, shell=True)
    return HttpResponse("done")
