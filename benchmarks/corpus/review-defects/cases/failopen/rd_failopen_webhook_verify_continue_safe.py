import logging

from flask import Flask, request

app = Flask(__name__)
log = logging.getLogger(__name__)


@app.post("/events")
def events():
    try:
        verify_signature(request.headers, request.get_data())
    except ValueError:
        log.warning("bad signature")
        return "", 401
    handle_event(request.get_json())
    return "", 204


def verify_signature(headers, body):
    if headers.get("X-Signature") is None:
        raise ValueError("unsigned")


def handle_event(event):
    return event
