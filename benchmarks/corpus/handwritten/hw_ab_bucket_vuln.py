import random

from flask import Flask, make_response, render_template

app = Flask(__name__)


@app.route("/")
def landing():
    resp = make_response(render_template("landing.html"))
    resp.set_cookie("session_id", "%032x" % random.getrandbits(128), secure=True, httponly=True)
    return resp
