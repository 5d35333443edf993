from lxml import etree
from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.route("/case", methods=["POST"])
def case():
    param = request.form["value"]
    num = 106
    bar = "safe" if 7 * 18 + num > 200 else param
    doc = etree.fromstring(bar.encode())
    return "done"
