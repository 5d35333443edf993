import os


def secure_socket_file(path):
    if not os.path.islink(path):
        os.chmod(path, 0o600)
