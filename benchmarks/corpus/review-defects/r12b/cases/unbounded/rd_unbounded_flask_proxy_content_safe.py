from flask import Flask, abort, request

app = Flask(__name__)


import requests

AVATAR_HOST = 'https://avatars.example.com/default.png'


@app.get('/api/v1/thumbnail')
def thumbnail():
    response = requests.get(AVATAR_HOST, timeout=10)
    return response.content
