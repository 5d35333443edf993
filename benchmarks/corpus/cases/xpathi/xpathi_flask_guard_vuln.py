from lxml import etree
from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.route("/case")
def case():
    param = request.args.get("value", "")
    if param == "":
        return "done"
    bar = param
    root = etree.parse("users.xml")
    nodes = root.xpath("//user[@name='" + bar + "']")
    return "done"
