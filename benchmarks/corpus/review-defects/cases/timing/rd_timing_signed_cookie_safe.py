import hashlib
import hmac


def unsign(value, key):
    payload, _, signature = value.rpartition(".")
    mac = hmac.new(key, payload.encode(), hashlib.sha256)
    if hmac.compare_digest(mac.hexdigest(), signature):
        return payload
    return None
