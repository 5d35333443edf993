from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.GET.get("value", "")
    bar = param
    resp = HttpResponse("ok")
    resp.set_cookie("remember_token", bar, secure=True, httponly=True)
    return resp
