from flask import Flask, redirect, request, session

app = Flask(__name__)


def next_url(default="/"):
    return request.args.get("next") or default


@app.post("/login")
def login():
    session["user_id"] = 42
    return redirect(next_url())
