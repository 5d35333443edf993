import hashlib
import hmac


def check_login(user, password):
    digest = hashlib.sha256(user.salt + password.encode()).hexdigest()
    return hmac.compare_digest(digest, user.password_hash)
