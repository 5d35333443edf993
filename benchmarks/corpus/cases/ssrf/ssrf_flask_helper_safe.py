import requests
from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def transform(value):
    return str(int(value))


@app.route("/case/<value>")
def case(value):
    param = value
    bar = transform(param)
    response = requests.get(bar, timeout=5)
    return "done"
