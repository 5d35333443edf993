from lxml import etree
from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.route("/case")
def case():
    param = request.values.get("value", "")
    bar = ""
    for piece in param.split(","):
        bar += "x" * len(piece)
    root = etree.parse("users.xml")
    nodes = root.xpath("//user[@name='" + bar + "']")
    return "done"
