from flask import Flask, abort, request

app = Flask(__name__)


@app.get("/api/padding")
def padding():
    size = int(request.args["size"])
    if size > 4096:
        abort(400)
    return {"padding": "0" * size}
