import shlex
import subprocess
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.GET.get("value", "")
    bar = shlex.quote(param)
    subprocess.run("echo " + bar, shell=True)
    return HttpResponse("done")
