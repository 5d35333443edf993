import os
import socket


def bind_control_socket(path):
    if os.path.exists(path):
        try:
            os.remove(path)
        except FileNotFoundError:
            pass
    server = socket.socket(socket.AF_UNIX)
    server.bind(path)
    return server
