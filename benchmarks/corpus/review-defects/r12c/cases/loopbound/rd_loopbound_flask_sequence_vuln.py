from flask import Flask, jsonify, request

app = Flask(__name__)


@app.get("/api/sequence")
def sequence():
    count = int(request.args.get("count", "10"))
    values = []
    for index in range(count):
        values.append(index * index)
    return jsonify(values)
