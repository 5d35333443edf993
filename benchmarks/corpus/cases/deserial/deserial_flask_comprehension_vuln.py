import base64
import json
import pickle
from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.route("/case", methods=["POST"])
def case():
    param = request.form["value"]
    parts = [p.strip() for p in param.split(",")]
    bar = ",".join(parts)
    obj = pickle.loads(base64.b64decode(bar))
    return "done"
