import hashlib
import hmac
import os

from flask import Flask, abort, request

app = Flask(__name__)
SECRET = os.environ["WEBHOOK_SECRET"].encode()


@app.post("/hooks/github")
def github_hook():
    expected = "sha256=" + hmac.new(SECRET, request.get_data(), hashlib.sha256).hexdigest()
    if expected != request.headers.get("X-Hub-Signature-256", ""):
        abort(403)
    return "", 204
