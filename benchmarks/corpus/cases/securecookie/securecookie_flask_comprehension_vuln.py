from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.route("/case", methods=["POST"])
def case():
    param = request.form["value"]
    parts = [p.strip() for p in param.split(",")]
    bar = ",".join(parts)
    resp = make_response("ok")
    resp.set_cookie("sso_session", bar, httponly=True)
    return resp
