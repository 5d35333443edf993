from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.GET.get("value", "")
    if param not in ALLOWED_VALUES:
        return HttpResponse("done")
    bar = param
    return HttpResponseRedirect(bar)
