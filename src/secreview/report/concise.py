"""One line per finding, `path:line:col: RULE CWE-N message`, for editors and `grep`.

The shape is the one compilers and Ruff print, so editors' problem matchers jump to the spot;
columns are 1-based there (ours, from `ast`, are 0-based). A file that could not be reviewed is
one `path:1:1: error: message` line, so it is never mistaken for a clean file.
"""

from __future__ import annotations

from secreview.findings import ScanResult
from secreview.text import printable


def render_concise(result: ScanResult) -> str:
    """Every finding (test-code notes marked), then every file error; newline-terminated."""
    lines = []
    for finding in result.findings:
        location = finding.location
        note = " (test code, not counted)" if finding.is_note else ""
        lines.append(
            f"{location.path}:{location.line}:{location.column + 1}: {finding.rule_id} "
            f"CWE-{finding.cwe} [{finding.severity.label}] {finding.message}{note}"
        )
    lines.extend(f"{error.path}:1:1: error: {error.message}" for error in result.errors)
    return "".join(f"{printable(line)}\n" for line in lines)
