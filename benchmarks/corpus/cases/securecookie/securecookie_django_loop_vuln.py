from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.headers.get("X-Value", "")
    bar = ""
    for piece in param.split(","):
        bar += piece
    resp = HttpResponse("ok")
    resp.set_cookie("preferences", bar, httponly=True)
    return resp
