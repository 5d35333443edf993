import shlex
import subprocess
from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def transform(value):
    return str(int(value))


@app.route("/case/<value>")
def case(value):
    param = value
    bar = transform(param)
    subprocess.run("echo " + bar, shell=True)
    return "done"
