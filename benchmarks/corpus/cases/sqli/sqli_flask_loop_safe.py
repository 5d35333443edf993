import sqlite3
from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.route("/case")
def case():
    param = request.values.get("value", "")
    bar = ""
    for piece in param.split(","):
        bar += "x" * len(piece)
    conn = sqlite3.connect("app.db")
    cursor = conn.cursor()
    cursor.execute("SELECT * FROM users WHERE name = '" + bar + "'")
    return "done"
