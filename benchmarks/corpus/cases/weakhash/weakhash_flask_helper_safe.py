import hashlib
import os
from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def transform(value):
    return value.strip()


@app.route("/case")
def case():
    param = request.authorization.password
    bar = transform(param)
    digest = hashlib.scrypt(bar.encode(), salt=os.urandom(16), n=2**14, r=8, p=1).hex()
    return "done"
