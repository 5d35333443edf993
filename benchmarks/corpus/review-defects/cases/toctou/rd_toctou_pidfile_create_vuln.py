import os
import sys


def write_pidfile(path):
    if os.path.exists(path):
        sys.exit("already running")
    with open(path, "w") as handle:
        handle.write(str(os.getpid()))
