from flask import Flask, abort, request

app = Flask(__name__)


import zlib

LIMIT = 16 * 1024 * 1024


@app.post('/api/v1/metrics')
def push_metrics():
    inflater = zlib.decompressobj()
    samples = inflater.decompress(request.get_data(), LIMIT)
    if inflater.unconsumed_tail:
        abort(413)
    return {'bytes': len(samples)}
