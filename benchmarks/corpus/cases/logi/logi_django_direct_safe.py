import logging

logger = logging.getLogger(__name__)
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.GET.get("value", "")
    bar = param.replace("\n", "_").replace("\r", "_")
    logger.info("value: " + bar)
    return HttpResponse("done")
