import hashlib
import os
from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.route("/case", methods=["POST"])
def case():
    param = request.json.get("currentPassword", "")
    bar = "alpha"
    if param:
        bar = param
    digest = hashlib.pbkdf2_hmac("sha256", bar.encode(), os.urandom(16), 600_000).hex()
    return "done"
