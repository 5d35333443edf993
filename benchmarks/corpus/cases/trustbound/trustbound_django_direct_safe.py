from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.GET.get("value", "")
    bar = param if param in ALLOWED_VALUES else "guest"
    request.session["user"] = bar
    return HttpResponse("done")
