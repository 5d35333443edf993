"""CWE-94 by data flow: untrusted input evaluated, compiled or imported (`tainted-code`).

Its pattern twin, `eval-injection`, is in `code_injection.py`.
"""

from __future__ import annotations

from secreview.analysis.rules._support.taint import TaintSpec, taint_rule
from secreview.findings import Confidence, Severity

tainted_code = taint_rule(
    TaintSpec("code", "the requester chooses the Python code this process runs."),
    id="tainted-code",
    name="Code injection: untrusted input evaluated or imported",
    cwe=94,
    severity=Severity.CRITICAL,
    confidence=Confidence.HIGH,
    summary="Untrusted input reaches eval, exec, compile, __import__ or importlib.",
    fix="Parse data with `json.loads` or `ast.literal_eval`; map allowed names to functions or "
    "modules with a dict instead of importing or evaluating what the input names.",
    what_it_does="Follows untrusted data to `eval`, `exec`, `compile`, `__import__`, "
    "`importlib.import_module` and `runpy`.",
    why_bad="`__import__('os').system(...)` in the input runs arbitrary commands (CWE-94/95).",
    example="result = eval(request.form['expression'])",
    use_instead="result = ast.literal_eval(request.form['expression'])",
    references=(
        "https://docs.python.org/3/library/ast.html#ast.literal_eval",
        "https://cwe.mitre.org/data/definitions/94.html",
        "https://cwe.mitre.org/data/definitions/95.html",
    ),
)
