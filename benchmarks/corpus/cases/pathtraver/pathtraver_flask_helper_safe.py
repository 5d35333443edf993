import os
from werkzeug.utils import secure_filename
from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def transform(value):
    return str(int(value))


@app.route("/case/<value>")
def case(value):
    param = value
    bar = transform(param)
    with open(os.path.join("/srv/data", bar)) as handle:
        data = handle.read()
    return "done"
