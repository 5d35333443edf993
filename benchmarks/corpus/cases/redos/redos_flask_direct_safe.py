import re
from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.route("/case")
def case():
    param = request.args.get("value", "")
    bar = re.escape(param)
    match = re.search(bar, "some text to search")
    return "done"
