import logging

logger = logging.getLogger(__name__)
from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.route("/case", methods=["POST"])
def case():
    param = request.get_json()["value"]
    switch = "b"
    if switch == "a":
        bar = "safe"
    else:
        bar = param
    logger.info("value: " + bar)
    return "done"
