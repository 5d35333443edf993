from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.GET.get("value", "")
    bar = param.replace("\r", "").replace("\n", "")
    resp = HttpResponse("ok")
    resp["X-Value"] = bar
    return resp
