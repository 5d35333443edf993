import base64
import json
import pickle
from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.route("/case")
def case():
    param = request.values.get("value", "")
    bar = ""
    for piece in param.split(","):
        bar += "x" * len(piece)
    obj = pickle.loads(base64.b64decode(bar))
    return "done"
