from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.route("/case")
def case():
    param = request.headers.get("X-Value", "")
    items = ["safe", param, "other"]
    items.pop(0)
    bar = items[0]
    resp = make_response("ok")
    resp.set_cookie("remember_me", bar, secure=True, httponly=True)
    return resp
