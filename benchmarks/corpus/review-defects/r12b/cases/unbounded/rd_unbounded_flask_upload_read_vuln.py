from flask import Flask, abort, request

app = Flask(__name__)


@app.post('/api/v1/firmware')
def upload_firmware():
    image = request.files['image'].read()
    return {'bytes': len(image)}
