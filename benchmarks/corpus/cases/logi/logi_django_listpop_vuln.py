import logging

logger = logging.getLogger(__name__)
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request, value):
    param = value
    items = ["safe", param, "other"]
    items.pop(0)
    bar = items[0]
    logger.info("value: " + bar)
    return HttpResponse("done")
