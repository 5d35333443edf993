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
    param = hex(random.randrange(2**64))
    bar = "alpha"
    if param:
        bar = param
    session["csrf_token"] = bar
    return "done"
