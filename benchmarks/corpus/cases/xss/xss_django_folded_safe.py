from markupsafe import escape
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.POST["value"]
    num = 106
    bar = "safe" if 7 * 18 + num > 200 else param
    return HttpResponse("<p>" + bar + "</p>")
