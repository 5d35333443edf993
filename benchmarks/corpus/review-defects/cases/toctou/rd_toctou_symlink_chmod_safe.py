import os


def secure_socket_file(path):
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    os.fchmod(fd, 0o600)
    os.close(fd)
