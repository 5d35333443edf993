import shutil
import subprocess
import tempfile


def build_image(context_files):
    workdir = tempfile.mkdtemp(prefix='build-')
    for path in context_files:
        shutil.copy(path, workdir)
    subprocess.run(['docker', 'build', workdir], check=True)
