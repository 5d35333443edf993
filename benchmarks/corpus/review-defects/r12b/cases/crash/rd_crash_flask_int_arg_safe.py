from flask import Flask, abort, request

app = Flask(__name__)


@app.get('/api/v1/events')
def list_events():
    limit = request.args.get('limit', 50, type=int)
    return {'limit': limit}
