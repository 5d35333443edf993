import os

from flask import Flask, abort, request

app = Flask(__name__)
UPLOADS = "/srv/uploads"


@app.post("/files/<name>")
def save(name):
    destination = os.path.join(UPLOADS, os.path.basename(name))
    if os.path.exists(destination):
        abort(409)
    with open(destination, "xb") as out:
        out.write(request.get_data())
    return "", 201
