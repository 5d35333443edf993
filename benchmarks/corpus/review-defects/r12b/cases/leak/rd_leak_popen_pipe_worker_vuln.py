import subprocess


class Converter:
    def first_line(self, source):
        proc = subprocess.Popen(['pdftotext', source, '-'], stdout=subprocess.PIPE)
        return proc.stdout.readline()
