from flask import Flask, abort, request

app = Flask(__name__)


import tarfile


@app.post('/api/v1/plugins')
def install_plugin():
    upload = request.files['plugin']
    with tarfile.open(fileobj=upload.stream) as bundle:
        bundle.extractall('/srv/plugins', filter='data')
    return {'ok': True}
