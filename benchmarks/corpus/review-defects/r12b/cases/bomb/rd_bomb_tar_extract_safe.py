from flask import Flask, abort, request

app = Flask(__name__)


import tarfile

LIMIT = 64 * 1024 * 1024


@app.post('/api/v1/plugins')
def install_plugin():
    upload = request.files['plugin']
    with tarfile.open(fileobj=upload.stream) as bundle:
        if sum(member.size for member in bundle.getmembers()) > LIMIT:
            abort(413)
        bundle.extractall('/srv/plugins', filter='data')
    return {'ok': True}
