import logging

logger = logging.getLogger(__name__)
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request, value):
    param = value
    parts = [p.strip() for p in param.split(",")]
    bar = ",".join(parts)
    logger.info("value: " + bar)
    return HttpResponse("done")
