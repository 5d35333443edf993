import random
import string

from flask import Flask, jsonify, request

app = Flask(__name__)
ALPHABET = string.ascii_letters + string.digits
RESET_TOKENS: dict[str, str] = {}


def new_reset_token(length=40):
    return "".join(random.choice(ALPHABET) for _ in range(length))


@app.post("/password-reset")
def start_reset():
    email = request.get_json()["email"]
    token = new_reset_token()
    RESET_TOKENS[token] = email
    return jsonify(status="sent", debug_token=token)
