"""CWE-95: dynamic evaluation of code that is not fixed in the source."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_EVALUATORS = {
    "eval": "evaluates a Python expression",
    "exec": "executes Python statements",
    "compile": "compiles Python code for later execution",
}


@rule(
    id="eval-injection",
    needs_untrusted_input=True,
    name="Dynamic code evaluation of non-constant input",
    cwe=95,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="eval/exec/compile called on text that is not a constant in the source.",
    fix="Parse data with `ast.literal_eval` or `json.loads`, or dispatch through a dict of "
    "allowed functions; never evaluate text built at run time.",
    what_it_does="Reports `eval`, `exec` and `compile` (the builtins) when the code they run is "
    "not a literal or a module constant.",
    why_bad="Whoever controls the text controls the interpreter: `eval(request.args['x'])` lets "
    "an attacker run `__import__('os').system(...)` with the application's privileges. Even "
    "text that looks internal often carries user data a few calls away.",
    example="result = eval(expression)",
    use_instead="import ast\nresult = ast.literal_eval(expression)  # literals only",
    references=(
        "https://docs.python.org/3/library/functions.html#eval",
        "https://docs.python.org/3/library/ast.html#ast.literal_eval",
        "https://cwe.mitre.org/data/definitions/95.html",
    ),
)
def eval_injection(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report builtin evaluators whose code argument is not a constant."""
    assert isinstance(node, ast.Call)
    name = context.call_name(node)
    if name not in _EVALUATORS:
        return
    code = context.argument(node, 0, "source")
    if code is None or context.is_constant(code):
        return
    yield Hit(
        node=node,
        message=f"`{name}` {_EVALUATORS[name]} built from `{context.segment(code)}`, which is not "
        "a constant; anyone who influences that value can run arbitrary code.",
    )
