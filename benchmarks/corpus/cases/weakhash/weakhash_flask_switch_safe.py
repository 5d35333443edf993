import hashlib
import os
from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.route("/case", methods=["POST"])
def case():
    param = request.values["pwd"]
    switch = "b"
    if switch == "a":
        bar = "safe"
    else:
        bar = param
    digest = hashlib.pbkdf2_hmac("sha512", bar.encode(), os.urandom(16), 210_000).hex()
    return "done"
