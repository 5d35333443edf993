import os
from werkzeug.utils import secure_filename
from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.route("/case")
def case():
    param = request.headers.get("X-Value", "")
    switch = "b"
    if switch == "a":
        bar = "safe"
    else:
        bar = param
    with open(os.path.join("/srv/data", bar)) as handle:
        data = handle.read()
    return "done"
