import logging

logger = logging.getLogger(__name__)
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.GET.getlist("value")[0]
    bar = "alpha"
    if param in ALLOWED_VALUES:
        bar = param
    logger.info("value: " + bar)
    return HttpResponse("done")
