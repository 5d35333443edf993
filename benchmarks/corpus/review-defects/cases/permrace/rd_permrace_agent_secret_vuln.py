import os
import secrets

SECRET_FILE = "/etc/agent/shared_secret"


def provision():
    secret = secrets.token_hex(32)
    with open(SECRET_FILE, "w") as out:
        out.write(secret)
    os.chmod(SECRET_FILE, 0o400)
    return secret
