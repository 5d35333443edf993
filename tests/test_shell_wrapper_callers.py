"""shell-command-injection judges a helper's command parameter by the calls its module makes.

`def popen(cmd): subprocess.Popen(cmd, shell=True)` shows only a parameter. When every call of the
helper in its module (through further helpers) passes the program's own values, a field of
`self` and a path beside the module's file, the command looks internal and the finding is low
confidence, as `self.x` spliced in directly is. One call passing anything else, or no call in
the module, keeps the rule's usual confidence.
"""

from __future__ import annotations

import textwrap

from secreview.findings import Confidence, Finding
from secreview.pipeline import review_source

SOURCE = """
import os
import subprocess


def popen(fullcmd):
    return subprocess.Popen(fullcmd, shell=True, stdout=subprocess.PIPE).stdout


def read_process(cmd, args=""):
    fullcmd = "%s %s" % (cmd, args)
    return popen(fullcmd).read()


class Server:
    def __init__(self, apache_path="apache"):
        self.apache_path = apache_path

    def start(self):
        conf = os.path.join(os.path.dirname(__file__), "server.conf")
        return read_process(self.apache_path, "-k start -f %s" % conf)


def run(command):
    return subprocess.run(command, shell=True)


def run_tool(name):
    run(TOOL_DIR + "/" + name)


def run_job(job):
    run("convert " + job.source)


def unused_wrapper(command):
    os.system(command)
"""


def _confidence_by_line() -> dict[int, Confidence]:
    report = review_source(textwrap.dedent(SOURCE), "server.py")
    assert report.error is None, report.error
    found: list[Finding] = [f for f in report.findings if f.rule_id == "shell-command-injection"]
    return {f.location.line: f.confidence for f in found}


def test_a_helper_filled_only_with_program_values_is_low_confidence() -> None:
    assert _confidence_by_line()[7] is Confidence.LOW


def test_one_call_with_another_value_keeps_the_usual_confidence() -> None:
    assert _confidence_by_line()[25] is Confidence.MEDIUM


def test_a_helper_no_call_of_the_module_fills_keeps_the_usual_confidence() -> None:
    assert _confidence_by_line()[37] is Confidence.MEDIUM
