import logging

logger = logging.getLogger(__name__)
from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


class Holder:
    def __init__(self, value):
        self.value = value
        self.label = "safe"


@app.route("/case")
def case():
    param = request.args.get("value", "")
    bar = Holder(param).label
    logger.info("value: " + bar)
    return "done"
