from flask import Flask, abort, request

app = Flask(__name__)


import io
import zipfile


@app.post('/api/v1/themes')
def upload_theme():
    bundle = zipfile.ZipFile(io.BytesIO(request.get_data()))
    files = {name: bundle.read(name) for name in bundle.namelist()}
    return {'files': len(files)}
