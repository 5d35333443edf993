from flask import Flask, abort, request

app = Flask(__name__)


@app.put('/api/v1/blobs/<name>')
def put_blob(name):
    payload = request.stream.read()
    return {'name': name, 'bytes': len(payload)}
