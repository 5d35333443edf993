from flask import Flask, abort, request

app = Flask(__name__)


LIMIT = 64 * 1024 * 1024


@app.post('/api/v1/firmware')
def upload_firmware():
    image = request.files['image'].read(LIMIT + 1)
    if len(image) > LIMIT:
        abort(413)
    return {'bytes': len(image)}
