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
    param = "".join(secrets.choice(ALPHABET) for _ in range(32))
    bar = param
    resp = make_response("ok")
    resp.set_cookie("session_token", bar, secure=True, httponly=True)
    return resp
