import logging

logger = logging.getLogger(__name__)
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.body.decode("utf-8")
    bar = f"{param}"
    logger.info("value: " + bar)
    return HttpResponse("done")
