from markupsafe import escape
from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def transform(value):
    return str(int(value))


@app.route("/case/<value>")
def case(value):
    param = value
    bar = transform(param)
    return "<p>" + bar + "</p>"
