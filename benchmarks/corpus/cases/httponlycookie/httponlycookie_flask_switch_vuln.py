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
    resp = make_response("ok")
    resp.set_cookie("remember_me", bar, secure=True)
    return resp
