"""A small Flask service with the defects a security review should catch (do not deploy)."""

import hashlib
import os
import pickle
import subprocess
import sqlite3

import requests
import yaml
from flask import Flask, request

app = Flask(__name__)
app.config["SECRET_KEY"] = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"
DATABASE = "users.db"


@app.route("/ping")
def ping():
    host = request.args.get("host", "localhost")
    return subprocess.check_output("ping -c 1 " + host, shell=True)


@app.route("/users")
def find_user():
    name = request.args["name"]
    connection = sqlite3.connect(DATABASE)
    rows = connection.execute(f"SELECT id, email FROM users WHERE name = '{name}'").fetchall()
    return {"users": rows}


@app.route("/import", methods=["POST"])
def import_settings():
    settings = yaml.load(request.data, Loader=yaml.Loader)
    state = pickle.loads(request.files["state"].read())
    return {"settings": settings, "state": str(state)}


@app.route("/avatar")
def avatar():
    url = request.args["url"]
    image = requests.get(url, verify=False)
    return image.content


def store_password(password: str) -> str:
    return hashlib.md5(password.encode()).hexdigest()


def calculate(expression: str) -> object:
    return eval(expression)


def drop_privileges(uid: int) -> None:
    try:
        os.setuid(uid)
    except Exception:
        pass


if __name__ == "__main__":
    app.run(host="0.0.0.0", debug=True)
