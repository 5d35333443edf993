from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def transform(value):
    return value.strip()


@app.route("/case/<value>")
def case(value):
    param = value
    bar = transform(param)
    resp = make_response("ok")
    resp.set_cookie("remember_token", bar, secure=True, httponly=True)
    return resp
