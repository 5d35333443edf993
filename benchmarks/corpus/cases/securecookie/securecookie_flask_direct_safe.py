from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.route("/case")
def case():
    param = request.args.get("value", "")
    bar = param
    resp = make_response("ok")
    resp.set_cookie("remember_token", bar, secure=True, httponly=True)
    return resp
