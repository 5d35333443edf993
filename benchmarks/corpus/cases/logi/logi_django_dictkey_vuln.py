import logging

logger = logging.getLogger(__name__)
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.COOKIES.get("value", "")
    values = {"keyA": "safe", "keyB": param}
    bar = values["keyB"]
    logger.info("value: " + bar)
    return HttpResponse("done")
