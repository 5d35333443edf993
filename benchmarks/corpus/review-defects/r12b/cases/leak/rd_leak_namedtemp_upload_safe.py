import os
import subprocess
import tempfile


def scan_attachment(data):
    tmp = tempfile.NamedTemporaryFile(suffix='.bin', delete=False)
    try:
        tmp.write(data)
        tmp.close()
        return subprocess.run(['clamscan', tmp.name], check=False).returncode
    finally:
        os.unlink(tmp.name)
