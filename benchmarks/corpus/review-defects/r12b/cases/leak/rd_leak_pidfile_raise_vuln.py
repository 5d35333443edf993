import os


def write_pidfile(path):
    handle = open(path, 'w')
    if os.path.getsize(path) > 0:
        raise RuntimeError('already running')
    handle.write(str(os.getpid()))
    handle.close()
