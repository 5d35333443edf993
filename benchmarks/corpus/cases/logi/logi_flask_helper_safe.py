import logging

logger = logging.getLogger(__name__)
from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def transform(value):
    return str(int(value))


@app.route("/case", methods=["POST"])
def case():
    param = request.get_json()["value"]
    bar = transform(param)
    logger.info("value: " + bar)
    return "done"
