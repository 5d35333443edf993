from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.route("/case")
def case():
    param = request.cookies.get("value", "")
    bar = f"{param}"
    resp = make_response("ok")
    resp.set_cookie("preferences", bar, secure=True, httponly=True)
    return resp
