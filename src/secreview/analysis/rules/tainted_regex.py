"""CWE-1333 by data flow: untrusted input used as a regular expression (`tainted-regex`).

Constant patterns that backtrack catastrophically are `regex_backtracking.py`.

The third-party `regex` module takes a `timeout=` on every matching call and raises
`TimeoutError` past it: a user's pattern matched that way (a search or rename form that offers
regular expressions on purpose) costs a bounded time, the fix this weakness asks for. Such a call,
or a `regex.compile` whose every use that can be seen passes `timeout=`, is not reported.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.pattern_uses import pattern_uses
from secreview.analysis.rules._support.taint import TaintSpec, taint_rule
from secreview.analysis.taint import AnalysisContext
from secreview.analysis.taint.results import SinkEvent
from secreview.findings import Confidence, Severity


def _unbounded(event: SinkEvent, context: AnalysisContext) -> bool:
    """Whether the pattern can run without a time limit: anything but a `regex` call given
    `timeout=`, or a `regex.compile` whose seen uses all pass one (a pattern stored, returned
    or handed to code this module does not define may be matched without it)."""
    call = event.node
    if not isinstance(call, ast.Call):
        return True
    name = context.call_name(call) or ""
    if not name.startswith("regex."):
        return True
    if context.keyword(call, "timeout") is not None:
        return False
    if name != "regex.compile":
        return True
    uses = pattern_uses(context, call)
    return not uses or any(context.keyword(use.call, "timeout") is None for use in uses)


tainted_regex = taint_rule(
    TaintSpec(
        "regex",
        "a crafted pattern can take exponential time (ReDoS) or match anything.",
        reports=_unbounded,
    ),
    id="tainted-regex",
    name="Regular expression built from untrusted input",
    cwe=1333,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="Untrusted input is compiled or used as a regular expression pattern.",
    fix="Escape the input with `re.escape` to match it literally, or match with `in`/`str` "
    "methods instead of a pattern.",
    what_it_does="Follows untrusted data into the pattern argument of `re` functions (and of "
    "the `regex` module's, unless every match of the pattern passes `timeout=`).",
    why_bad="`(a+)+$` makes the backtracking engine run for minutes on a short string, tying up "
    "a worker per request (CWE-1333).",
    example="re.search(request.args['q'], text)",
    use_instead="re.search(re.escape(request.args['q']), text)",
    references=(
        "https://docs.python.org/3/library/re.html#re.escape",
        "https://cwe.mitre.org/data/definitions/1333.html",
    ),
)
