import shlex
import subprocess
from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.route("/case")
def case():
    param = request.args.get("value", "")
    bar = shlex.quote(param)
    subprocess.run("echo " + bar, shell=True)
    return "done"
