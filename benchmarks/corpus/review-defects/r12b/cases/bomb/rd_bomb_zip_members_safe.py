from flask import Flask, abort, request

app = Flask(__name__)


import io
import zipfile

LIMIT = 32 * 1024 * 1024


@app.post('/api/v1/themes')
def upload_theme():
    bundle = zipfile.ZipFile(io.BytesIO(request.get_data()))
    if sum(info.file_size for info in bundle.infolist()) > LIMIT:
        abort(413)
    files = {name: bundle.read(name) for name in bundle.namelist()}
    return {'files': len(files)}
