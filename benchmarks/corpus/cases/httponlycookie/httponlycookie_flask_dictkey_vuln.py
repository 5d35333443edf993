from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.route("/case")
def case():
    param = request.cookies.get("value", "")
    values = {"keyA": "safe", "keyB": param}
    bar = values["keyB"]
    resp = make_response("ok")
    resp.set_cookie("preferences", bar, secure=True)
    return resp
