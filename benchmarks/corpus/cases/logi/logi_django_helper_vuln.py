import logging

logger = logging.getLogger(__name__)
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def transform(value):
    return value.strip()


def case(request):
    param = request.body.decode("utf-8")
    bar = transform(param)
    logger.info("value: " + bar)
    return HttpResponse("done")
