import hashlib
import os
from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.route("/case", methods=["POST"])
def case():
    param = request.values["pwd"]
    items = ["safe", param, "other"]
    items.pop(0)
    bar = items[0]
    digest = hashlib.pbkdf2_hmac("sha512", bar.encode(), os.urandom(16), 210_000).hex()
    return "done"
