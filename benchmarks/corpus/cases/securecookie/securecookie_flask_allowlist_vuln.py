from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.route("/case", methods=["POST"])
def case():
    param = request.get_json()["value"]
    bar = "alpha"
    if param:
        bar = param
    resp = make_response("ok")
    resp.set_cookie("sso_session", bar, httponly=True)
    return resp
