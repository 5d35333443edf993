import subprocess


class Converter:
    def first_line(self, source):
        proc = subprocess.Popen(['pdftotext', source, '-'], stdout=subprocess.PIPE)
        out, _ = proc.communicate(timeout=60)
        return out.split(b'\n', 1)[0]
