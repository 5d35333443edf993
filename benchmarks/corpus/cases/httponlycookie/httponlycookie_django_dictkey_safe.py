from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.COOKIES.get("value", "")
    values = {"keyA": "safe", "keyB": param}
    bar = values["keyB"]
    resp = HttpResponse("ok")
    resp.set_cookie("preferences", bar, secure=True, httponly=True)
    return resp
