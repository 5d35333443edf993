from flask import Flask, jsonify, request

app = Flask(__name__)
MAX_COUNT = 500


@app.get("/api/sequence")
def sequence():
    count = min(int(request.args.get("count", "10")), MAX_COUNT)
    values = []
    for index in range(count):
        values.append(index * index)
    return jsonify(values)
