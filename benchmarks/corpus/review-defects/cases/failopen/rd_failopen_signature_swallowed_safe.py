from cryptography.exceptions import InvalidSignature


def apply_update(package, signature, public_key, installer):
    try:
        public_key.verify(signature, package)
    except InvalidSignature:
        raise
    installer.install(package)
