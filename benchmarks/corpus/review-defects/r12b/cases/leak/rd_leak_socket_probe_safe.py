import socket


def probe(host, port):
    sock = socket.create_connection((host, port), timeout=2)
    try:
        sock.sendall(b'HEALTH\n')
        return sock.recv(32)
    finally:
        sock.close()
