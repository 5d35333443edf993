import logging

logger = logging.getLogger(__name__)
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.GET.getlist("value")[0]
    switch = "a"
    if switch == "a":
        bar = "safe"
    else:
        bar = param
    logger.info("value: " + bar)
    return HttpResponse("done")
