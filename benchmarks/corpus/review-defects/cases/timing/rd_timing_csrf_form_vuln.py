import hmac

from flask import abort, request, session


def check_csrf():
    csrf_token = request.form.get("csrf_token", "")
    if csrf_token != session.get("csrf_token"):
        abort(400)
