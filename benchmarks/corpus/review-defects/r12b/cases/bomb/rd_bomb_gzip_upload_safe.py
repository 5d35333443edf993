from flask import Flask, abort, request

app = Flask(__name__)


import gzip


@app.post('/api/v1/logs')
def upload_logs():
    blob = request.files['archive'].read(8 * 1024 * 1024)
    return {'bytes': len(blob)}
