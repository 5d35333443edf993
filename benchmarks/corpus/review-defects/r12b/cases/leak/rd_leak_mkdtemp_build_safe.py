import shutil
import subprocess
import tempfile


def build_image(context_files):
    with tempfile.TemporaryDirectory(prefix='build-') as workdir:
        for path in context_files:
            shutil.copy(path, workdir)
        subprocess.run(['docker', 'build', workdir], check=True)
