import os


def write_pidfile(path):
    with open(path, 'w') as handle:
        if os.path.getsize(path) > 0:
            raise RuntimeError('already running')
        handle.write(str(os.getpid()))
