import hashlib
import hmac

SIGNING_KEY = b"loaded-at-start"


def license_valid(payload, signature):
    expected_signature = hmac.new(SIGNING_KEY, payload, hashlib.sha256).hexdigest()
    if len(signature) != len(expected_signature):
        return False
    for given, wanted in zip(signature, expected_signature):
        if given != wanted:
            return False
    return True
