from flask import Flask, abort, request

app = Flask(__name__)


@app.post('/api/v1/servers')
def create_server():
    flavor = (request.get_json(silent=True) or {}).get('flavor')
    if flavor is None:
        abort(400)
    return {'flavor': flavor}, 202
