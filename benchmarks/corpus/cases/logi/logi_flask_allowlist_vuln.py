import logging

logger = logging.getLogger(__name__)
from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.route("/case")
def case():
    param = request.values.get("value", "")
    bar = "alpha"
    if param:
        bar = param
    logger.info("value: " + bar)
    return "done"
