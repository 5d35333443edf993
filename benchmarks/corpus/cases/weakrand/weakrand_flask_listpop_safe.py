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
    param = secrets.token_urlsafe(32)
    items = ["safe", param, "other"]
    items.pop(0)
    bar = items[0]
    resp = make_response("ok")
    resp.headers["X-Auth-Token"] = bar
    return resp
