"""CWE-95: dynamic evaluation of code that is not fixed in the source.

Whether `eval`/`exec`/`compile` is a defect depends on who wrote the code it runs, so the finding
is rated by where that code comes from (`data_origin`): untrusted input reaching the call is high
confidence; code the program made itself (its own functions' source, an AST it built, a stub
assembled from its own identifiers) is not reported, since nobody outside can put anything in it;
code read from a file is low confidence (running a file is what `import` does: a risk only when
someone untrusted can write or choose that file); anything else keeps medium confidence. `exec` of
a code object that `compile` made is not reported again: the `compile` call is where the code was
chosen, and it is judged there.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.data_origin import Trust, data_origin
from secreview.analysis.rules._support.local_bindings import origin_calls
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_EVALUATORS = {
    "eval": "evaluates a Python expression",
    "exec": "executes Python statements",
    "compile": "compiles Python code for later execution",
}
_OPENERS = frozenset({"open", "io.open", "codecs.open", "builtins.open"})
_PATH_READS = frozenset({"read_text", "read_bytes"})
_COMPILERS = frozenset({"compile", "builtins.compile"})


def _reads_a_file(context: ModuleContext, expr: ast.expr, depth: int = 0) -> bool:
    """Whether `expr` is the text of a file: `f.read()` of an opened file, `open(p).read()`,
    `path.read_text()`, possibly `.decode()`d, directly or through a local variable."""
    if depth > 4:
        return False
    for value in origin_calls(context, expr) or ([expr] if isinstance(expr, ast.Call) else []):
        func = value.func
        if not isinstance(func, ast.Attribute):
            continue
        if func.attr in _PATH_READS:
            return True
        if func.attr == "decode" and _reads_a_file(context, func.value, depth + 1):
            return True
        if func.attr == "read" and any(
            context.call_name(opened) in _OPENERS for opened in origin_calls(context, func.value)
        ):
            return True
    return False


def _is_compiled_code(context: ModuleContext, expr: ast.expr) -> bool:
    """Whether `expr` is a code object `compile` made: directly, through a local, or a property
    of the same class that returns `compile(...)` (`exec(self.co)`)."""
    if any(context.call_name(c) in _COMPILERS for c in origin_calls(context, expr)):
        return True
    if not (
        isinstance(expr, ast.Attribute)
        and isinstance(expr.value, ast.Name)
        and expr.value.id == "self"
    ):
        return False
    owner = context.parent(context.enclosing_function(expr) or expr)
    if not isinstance(owner, ast.ClassDef):
        return False
    for member in owner.body:
        if isinstance(member, ast.FunctionDef) and member.name == expr.attr:
            returns = [n.value for n in ast.walk(member) if isinstance(n, ast.Return)]
            return bool(returns) and all(
                isinstance(r, ast.Call) and context.call_name(r) in _COMPILERS for r in returns
            )
    return False


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
    "not a literal or a module constant. Confidence follows where the code comes from: high when "
    "untrusted input reaches it, low when it is read from a file (as an import would) or is the "
    "operator's own input, medium when it cannot be traced. Code the program made itself (its "
    "own source, an AST it built, text assembled from its own identifiers) and `exec` of a code "
    "object `compile` made are not reported.",
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
    calls=frozenset(_EVALUATORS),
)
def eval_injection(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report builtin evaluators whose code argument is not a constant, rated by its origin."""
    assert isinstance(node, ast.Call)
    name = context.call_name(node)
    if name not in _EVALUATORS:
        return
    code = context.argument(node, 0, "source")
    if code is None or context.is_constant(code):
        return
    if name != "compile" and _is_compiled_code(context, code):
        return
    origin = data_origin(context, node, code)
    if origin.trust is Trust.PROGRAM_MADE:
        return
    shown = context.segment(code)
    if origin.trust is Trust.UNTRACED and _reads_a_file(context, code):
        yield Hit(
            node=node,
            message=f"`{name}` {_EVALUATORS[name]} read from a file (`{shown}`); running a "
            "file is what `import` does, so this matters only if someone untrusted can write "
            "or choose that file.",
            confidence=Confidence.LOW,
        )
        return
    yield Hit(
        node=node,
        message=f"`{name}` {_EVALUATORS[name]} built from `{shown}`, which is not a constant "
        f"({origin.phrase}); anyone who influences that value can run arbitrary code.",
        confidence=origin.confidence(Confidence.MEDIUM),
    )
