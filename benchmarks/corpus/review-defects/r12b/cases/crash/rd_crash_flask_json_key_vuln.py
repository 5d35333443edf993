from flask import Flask, abort, request

app = Flask(__name__)


@app.post('/api/v1/servers')
def create_server():
    flavor = request.json['flavor']
    return {'flavor': flavor}, 202
