import random
import secrets
import string

from flask import jsonify
from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)

ALPHABET = string.ascii_letters + string.digits

ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.route("/case", methods=["POST"])
def case():
    param = "".join(random.SystemRandom().sample(ALPHABET, 20))
    bar = ""
    for piece in param.split(","):
        bar += piece
    return jsonify(reset_token=bar)
