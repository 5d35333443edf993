from flask import Flask, request

app = Flask(__name__)


@app.after_request
def remember_device(response):
    device = request.headers.get("X-Device-Id")
    if device:
        response.set_cookie("device_id", device, max_age=30 * 86400, httponly=True, samesite="Lax")
    return response
