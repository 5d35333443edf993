import os


class KeyStore:
    def __init__(self, directory):
        self.directory = directory

    def save(self, name, secret):
        path = os.path.join(self.directory, name + ".key")
        with open(path, "w") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(secret)
