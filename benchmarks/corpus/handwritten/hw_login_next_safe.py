from flask import Flask, redirect, request, session, url_for

app = Flask(__name__)
DESTINATIONS = {"home": "index", "settings": "settings"}


def next_url():
    return url_for(DESTINATIONS.get(request.args.get("next", "home"), "index"))


@app.post("/login")
def login():
    session["user_id"] = 42
    return redirect(next_url())
