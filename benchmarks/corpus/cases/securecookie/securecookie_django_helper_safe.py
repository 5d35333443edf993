from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def transform(value):
    return value.strip()


def case(request, value):
    param = value
    bar = transform(param)
    resp = HttpResponse("ok")
    resp.set_cookie("remember_token", bar, secure=True, httponly=True)
    return resp
