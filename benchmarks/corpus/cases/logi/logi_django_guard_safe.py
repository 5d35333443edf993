import logging

logger = logging.getLogger(__name__)
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.COOKIES.get("value", "")
    if param not in ALLOWED_VALUES:
        return HttpResponse("done")
    bar = param
    logger.info("value: " + bar)
    return HttpResponse("done")
