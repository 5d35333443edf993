from markupsafe import escape
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.body.decode("utf-8")
    bar = "alpha"
    if param:
        bar = param
    return HttpResponse("<p>" + bar + "</p>")
