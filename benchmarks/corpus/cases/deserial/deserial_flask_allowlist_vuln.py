import base64
import json
import pickle
from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.route("/case", methods=["POST"])
def case():
    param = request.get_json()["value"]
    bar = "alpha"
    if param:
        bar = param
    obj = pickle.loads(base64.b64decode(bar))
    return "done"
