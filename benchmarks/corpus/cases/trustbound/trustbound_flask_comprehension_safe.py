from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.route("/case", methods=["POST"])
def case():
    param = request.form["value"]
    parts = [p.strip() for p in param.split(",") if p in ALLOWED_VALUES]
    bar = ",".join(parts)
    session["user"] = bar
    return "done"
