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
    param = str(random.randint(100000, 999999))
    num = 106
    bar = param if 7 * 18 + num > 200 else "safe"
    session["csrf_token"] = bar
    return "done"
