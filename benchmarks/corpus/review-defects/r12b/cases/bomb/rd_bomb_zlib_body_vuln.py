from flask import Flask, abort, request

app = Flask(__name__)


import zlib


@app.post('/api/v1/metrics')
def push_metrics():
    samples = zlib.decompress(request.get_data())
    return {'bytes': len(samples)}
