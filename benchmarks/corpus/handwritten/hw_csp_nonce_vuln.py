import random

from flask import Flask, make_response, render_template

app = Flask(__name__)


@app.route("/")
def index():
    nonce = "%016x" % random.getrandbits(64)
    response = make_response(render_template("index.html", nonce=nonce))
    response.headers["Content-Security-Policy"] = f"script-src 'nonce-{nonce}'"
    return response
