from flask import Flask, abort, request

app = Flask(__name__)


CHUNK = 1024 * 1024


@app.put('/api/v1/blobs/<name>')
def put_blob(name):
    payload = request.stream.read(CHUNK)
    return {'name': name, 'bytes': len(payload)}
