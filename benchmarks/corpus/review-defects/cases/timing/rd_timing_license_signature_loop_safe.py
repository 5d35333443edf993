import hashlib
import hmac

SIGNING_KEY = b"loaded-at-start"


def license_valid(payload, signature):
    expected_signature = hmac.new(SIGNING_KEY, payload, hashlib.sha256).hexdigest()
    if len(signature) != len(expected_signature):
        return False
    return hmac.compare_digest(signature, expected_signature)
