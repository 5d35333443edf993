from markupsafe import escape
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


class Holder:
    def __init__(self, value):
        self.value = value
        self.label = "safe"


def case(request):
    param = request.GET.getlist("value")[0]
    bar = Holder(param).label
    return HttpResponse("<p>" + bar + "</p>")
