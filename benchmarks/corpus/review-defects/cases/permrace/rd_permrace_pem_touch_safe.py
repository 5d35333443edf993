import os
from pathlib import Path


def reserve_key_file(directory: Path) -> Path:
    key_file = directory / "server.pem"
    key_file.touch(mode=0o600)
    os.chmod(key_file, 0o600)
    return key_file
