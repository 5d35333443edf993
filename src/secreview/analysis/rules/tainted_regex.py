"""CWE-1333 by data flow: untrusted input used as a regular expression (`tainted-regex`).

Constant patterns that backtrack catastrophically are `regex_backtracking.py`.
"""

from __future__ import annotations

from secreview.analysis.rules._support.taint import TaintSpec, taint_rule
from secreview.findings import Confidence, Severity

tainted_regex = taint_rule(
    TaintSpec("regex", "a crafted pattern can take exponential time (ReDoS) or match anything."),
    id="tainted-regex",
    name="Regular expression built from untrusted input",
    cwe=1333,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="Untrusted input is compiled or used as a regular expression pattern.",
    fix="Escape the input with `re.escape` to match it literally, or match with `in`/`str` "
    "methods instead of a pattern.",
    what_it_does="Follows untrusted data into the pattern argument of `re` functions.",
    why_bad="`(a+)+$` makes the backtracking engine run for minutes on a short string, tying up "
    "a worker per request (CWE-1333).",
    example="re.search(request.args['q'], text)",
    use_instead="re.search(re.escape(request.args['q']), text)",
    references=(
        "https://docs.python.org/3/library/re.html#re.escape",
        "https://cwe.mitre.org/data/definitions/1333.html",
    ),
)
