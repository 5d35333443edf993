from flask import Flask, abort, request

app = Flask(__name__)


@app.get('/api/v1/events')
def list_events():
    limit = int(request.args.get('limit', 50))
    return {'limit': limit}
