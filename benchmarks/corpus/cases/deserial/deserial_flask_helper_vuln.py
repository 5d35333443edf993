import base64
import json
import pickle
from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def transform(value):
    return value.strip()


@app.route("/case/<value>")
def case(value):
    param = value
    bar = transform(param)
    obj = pickle.loads(base64.b64decode(bar))
    return "done"
