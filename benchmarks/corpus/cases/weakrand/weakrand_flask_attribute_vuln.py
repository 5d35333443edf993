import random
import secrets
import string

from flask import jsonify
from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)

ALPHABET = string.ascii_letters + string.digits

ALLOWED_VALUES = ("alpha", "beta", "gamma")


class Holder:
    def __init__(self, value):
        self.value = value
        self.label = "safe"


@app.route("/case", methods=["POST"])
def case():
    param = "".join(random.Random().choice(ALPHABET) for _ in range(24))
    bar = Holder(param).value
    resp = make_response("ok")
    resp.headers["X-Auth-Token"] = bar
    return resp
