import logging

logger = logging.getLogger(__name__)
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.GET.get("value", "")
    bar = ""
    for piece in param.split(","):
        bar += "x" * len(piece)
    logger.info("value: " + bar)
    return HttpResponse("done")
