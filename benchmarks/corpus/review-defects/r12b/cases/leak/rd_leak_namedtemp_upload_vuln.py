import subprocess
import tempfile


def scan_attachment(data):
    tmp = tempfile.NamedTemporaryFile(suffix='.bin', delete=False)
    tmp.write(data)
    tmp.close()
    return subprocess.run(['clamscan', tmp.name], check=False).returncode
