import hashlib
import os
from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


class Holder:
    def __init__(self, value):
        self.value = value
        self.label = "safe"


@app.route("/case", methods=["POST"])
def case():
    param = request.form["user_password"]
    bar = Holder(param).value
    digest = hashlib.pbkdf2_hmac("sha512", bar.encode(), os.urandom(16), 210_000).hex()
    return "done"
