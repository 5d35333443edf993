from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.META.get("HTTP_X_VALUE", "")
    switch = "a"
    if switch == "a":
        bar = "safe"
    else:
        bar = param
    request.session["user"] = bar
    return HttpResponse("done")
