import shlex
import subprocess
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.POST["value"]
    parts = [p.strip() for p in param.split(",") if p in ALLOWED_VALUES]
    bar = ",".join(parts)
    subprocess.run("echo " + bar, shell=True)
    return HttpResponse("done")
