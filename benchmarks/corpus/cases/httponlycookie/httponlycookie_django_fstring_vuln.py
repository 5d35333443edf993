from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.COOKIES.get("value", "")
    bar = f"{param}"
    resp = HttpResponse("ok")
    resp.set_cookie("preferences", bar, secure=True)
    return resp
