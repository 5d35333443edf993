import os


class KeyStore:
    def __init__(self, directory):
        self.directory = directory

    def save(self, name, secret):
        path = os.path.join(self.directory, name + ".key")
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(secret)
