from flask import Flask, abort, request

app = Flask(__name__)


import json


@app.post('/hooks/github')
def github_hook():
    try:
        event = json.loads(request.data)
    except ValueError:
        abort(400)
    return {'action': event.get('action')}
