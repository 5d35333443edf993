from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.META.get("HTTP_X_VALUE", "")
    items = ["safe", param, "other"]
    items.pop(0)
    bar = items[0]
    resp = HttpResponse("ok")
    resp.set_cookie("remember_me", bar, httponly=True)
    return resp
