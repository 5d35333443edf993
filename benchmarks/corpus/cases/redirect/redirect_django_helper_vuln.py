from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def transform(value):
    return value.strip()


def case(request, value):
    param = value
    bar = transform(param)
    return HttpResponseRedirect(bar)
