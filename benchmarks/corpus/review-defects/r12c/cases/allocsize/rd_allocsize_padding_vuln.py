from flask import Flask, request

app = Flask(__name__)


@app.get("/api/padding")
def padding():
    size = int(request.args["size"])
    return {"padding": "0" * size}
