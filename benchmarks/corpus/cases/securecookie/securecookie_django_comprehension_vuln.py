from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.POST["value"]
    parts = [p.strip() for p in param.split(",")]
    bar = ",".join(parts)
    resp = HttpResponse("ok")
    resp.set_cookie("sso_session", bar, httponly=True)
    return resp
