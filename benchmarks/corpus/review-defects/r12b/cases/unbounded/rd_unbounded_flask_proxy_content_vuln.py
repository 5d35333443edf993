from flask import Flask, abort, request

app = Flask(__name__)


import requests


@app.get('/api/v1/thumbnail')
def thumbnail():
    source = request.args.get('src', '')
    response = requests.get(source, timeout=10)
    return response.content
