from lxml import etree
from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.route("/case")
def case():
    param = request.args.get("value", "")
    bar = param
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    doc = etree.fromstring(bar.encode(), parser)
    return "done"
