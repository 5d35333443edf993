import os
import socket


def bind_control_socket(path):
    if os.path.exists(path):
        os.remove(path)
    server = socket.socket(socket.AF_UNIX)
    server.bind(path)
    return server
