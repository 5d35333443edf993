from lxml import etree
from flask import Flask, request

app = Flask(__name__)
CATALOG = etree.parse("catalog.xml")


def lookup(title):
    return CATALOG.xpath("//book[title=$title]/price/text()", title=title)


@app.get("/price")
def price():
    return {"price": lookup(request.args.get("title", ""))}
