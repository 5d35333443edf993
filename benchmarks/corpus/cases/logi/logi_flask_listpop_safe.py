import logging

logger = logging.getLogger(__name__)
from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.route("/case/<value>")
def case(value):
    param = value
    items = ["safe", param, "other"]
    items.pop(0)
    bar = items[1]
    logger.info("value: " + bar)
    return "done"
