import os

from flask import Flask, request
from werkzeug.utils import secure_filename

app = Flask(__name__)
UPLOADS = "/var/app/uploads"


@app.post("/upload")
def upload():
    uploaded = request.files["document"]
    destination = os.path.join(UPLOADS, secure_filename(uploaded.filename))
    uploaded.save(destination)
    return {"stored": True}
