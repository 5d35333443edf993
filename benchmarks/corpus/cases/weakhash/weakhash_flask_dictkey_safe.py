import hashlib
import os
from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.route("/case", methods=["POST"])
def case():
    param = request.form.get("passwd", "")
    values = {"keyA": "safe", "keyB": param}
    bar = values["keyB"]
    digest = hashlib.scrypt(bar.encode(), salt=os.urandom(16), n=2**15, r=8, p=1).hex()
    return "done"
