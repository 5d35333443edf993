from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.body.decode("utf-8")
    bar = "alpha"
    if param in ALLOWED_VALUES:
        bar = param
    return HttpResponseRedirect(bar)
