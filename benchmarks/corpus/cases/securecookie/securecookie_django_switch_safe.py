from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.META.get("HTTP_X_VALUE", "")
    switch = "b"
    if switch == "a":
        bar = "safe"
    else:
        bar = param
    resp = HttpResponse("ok")
    resp.set_cookie("remember_me", bar, secure=True, httponly=True)
    return resp
