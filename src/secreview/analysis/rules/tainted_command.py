"""CWE-78 by data flow: untrusted input in a shell command or program name (`tainted-command`).

Its pattern twins, which judge one call without the data's path, are in `command_injection.py`.
"""

from __future__ import annotations

from secreview.analysis.rules._support.taint import TaintSpec, taint_rule
from secreview.findings import Confidence, Severity

tainted_command = taint_rule(
    TaintSpec(
        "command", "shell metacharacters (`;`, `|`, `$(...)`) run commands the requester chose."
    ),
    id="tainted-command",
    name="OS command injection: untrusted input in a command",
    cwe=78,
    severity=Severity.CRITICAL,
    confidence=Confidence.HIGH,
    summary="Untrusted input reaches a shell command or the program name of a process.",
    fix="Pass an argument list without `shell=True` (`subprocess.run(['ls', path])`) and never "
    "let input choose the program; if a shell is unavoidable, quote each value with "
    "`shlex.quote`.",
    what_it_does="Follows untrusted data to `os.system`, `os.popen`, `subprocess.*` with "
    "`shell=True` or a tainted program name, `os.exec*`, `os.spawn*`, and the first argument "
    "of any other call passing `shell=True` (a project's or oslo's `execute` wrapper), or calling "
    "a function of the module whose `shell` parameter defaults to True without passing it "
    "(`def run(cmd, shell=True)` called as `run(cmd)`). A project "
    "helper outside the scan whose name says it runs a command (`utils.run_command`) is taken "
    "for one at low confidence, a guess its evidence names.",
    why_bad="The shell interprets the input: `x; rm -rf /` runs a second command with the "
    "application's privileges (CWE-78).",
    example="os.system('ping -c 1 ' + request.args['host'])",
    use_instead="subprocess.run(['ping', '-c', '1', request.args['host']], check=True)",
    references=(
        "https://docs.python.org/3/library/subprocess.html#security-considerations",
        "https://docs.python.org/3/library/shlex.html#shlex.quote",
        "https://cwe.mitre.org/data/definitions/78.html",
    ),
)
