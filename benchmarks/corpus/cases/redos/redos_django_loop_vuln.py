import re
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.headers.get("X-Value", "")
    bar = ""
    for piece in param.split(","):
        bar += piece
    match = re.search(bar, "some text to search")
    return HttpResponse("done")
