import sqlite3
from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def transform(value):
    return str(int(value))


@app.route("/case/<value>")
def case(value):
    param = value
    bar = transform(param)
    conn = sqlite3.connect("app.db")
    cursor = conn.cursor()
    cursor.execute("SELECT * FROM users WHERE name = '" + bar + "'")
    return "done"
