from flask import Flask, abort, request

app = Flask(__name__)


import json


@app.post('/hooks/github')
def github_hook():
    event = json.loads(request.data)
    return {'action': event.get('action')}
