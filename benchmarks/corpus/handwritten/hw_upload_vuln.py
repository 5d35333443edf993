import os

from flask import Flask, request

app = Flask(__name__)
UPLOADS = "/var/app/uploads"


@app.post("/upload")
def upload():
    uploaded = request.files["document"]
    destination = os.path.join(UPLOADS, uploaded.filename)
    uploaded.save(destination)
    return {"stored": True}
