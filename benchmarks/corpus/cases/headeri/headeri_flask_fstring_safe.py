from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.route("/case")
def case():
    param = request.cookies.get("value", "")
    bar = f"{len(param)}"
    resp = make_response("ok")
    resp.headers["X-Value"] = bar
    return resp
