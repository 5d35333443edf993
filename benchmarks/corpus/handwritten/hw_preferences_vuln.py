from flask import Flask, request, session

app = Flask(__name__)


@app.post("/preferences")
def preferences():
    for key, value in request.form.items():
        session[key] = value
    return {"saved": True}
