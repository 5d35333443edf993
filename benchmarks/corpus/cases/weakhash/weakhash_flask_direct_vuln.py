import hashlib
import os
from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.route("/case", methods=["POST"])
def case():
    param = request.form["password"]
    bar = param
    digest = hashlib.md5(bar.encode()).hexdigest()
    return "done"
