import logging

logger = logging.getLogger(__name__)
from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.route("/case/<value>")
def case(value):
    param = value
    bar = f"{len(param)}"
    logger.info("value: " + bar)
    return "done"
