import socket


def probe(host, port):
    sock = socket.create_connection((host, port), timeout=2)
    sock.sendall(b'HEALTH\n')
    status = sock.recv(32)
    sock.close()
    return status
