import logging

logger = logging.getLogger(__name__)
from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.route("/case", methods=["POST"])
def case():
    param = request.get_data(as_text=True)
    bar = ""
    for piece in param.split(","):
        bar += piece
    logger.info("value: " + bar)
    return "done"
