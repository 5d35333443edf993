from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.COOKIES.get("value", "")
    bar = f"{len(param)}"
    request.session["user"] = bar
    return HttpResponse("done")
