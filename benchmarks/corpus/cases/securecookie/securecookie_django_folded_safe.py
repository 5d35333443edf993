from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.POST["value"]
    num = 106
    bar = param if 7 * 18 + num > 200 else "safe"
    resp = HttpResponse("ok")
    resp.set_cookie("sso_session", bar, secure=True, httponly=True)
    return resp
