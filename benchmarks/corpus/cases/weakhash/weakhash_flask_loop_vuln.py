import hashlib
import os
from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.route("/case", methods=["POST"])
def case():
    param = request.form["pin"]
    bar = ""
    for piece in param.split(","):
        bar += piece
    digest = hashlib.new("md5", bar.encode()).hexdigest()
    return "done"
