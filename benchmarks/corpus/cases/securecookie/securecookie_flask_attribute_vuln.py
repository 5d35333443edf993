from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


class Holder:
    def __init__(self, value):
        self.value = value
        self.label = "safe"


@app.route("/case", methods=["POST"])
def case():
    param = request.get_data(as_text=True)
    bar = Holder(param).value
    resp = make_response("ok")
    resp.set_cookie("remember_me", bar, httponly=True)
    return resp
