import hashlib
import os
from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.route("/case", methods=["POST"])
def case():
    param = request.get_json()["new_password"]
    parts = [p.strip() for p in param.split(",")]
    bar = ",".join(parts)
    digest = hashlib.sha1(bar.encode()).hexdigest()
    return "done"
