import logging

import jwt

log = logging.getLogger(__name__)


def verify_request(headers, key):
    token = headers.get("Authorization", "").removeprefix("Bearer ")
    try:
        jwt.decode(token, key, algorithms=["HS256"])
    except jwt.InvalidTokenError:
        log.warning("rejected token")
        return False
    return True
