"""CWE-95: dynamic evaluation of code that is not fixed in the source.

Whether `eval`/`exec`/`compile` is a defect depends on who wrote the code it runs, so the finding
is rated by where that code comes from (`data_origin`): untrusted input reaching the call is high
confidence; code the program made itself (its own functions' source, an AST it built, a stub
assembled from its own identifiers) is not reported, since nobody outside can put anything in it.
Low confidence, each saying why, when the code cannot be traced but its shape tells who writes it:
a Python file the program is given (running a file is what configuration and startup files are
for), a value of the program's configuration, code text the program generates from fixed
fragments around a few values (the message names them), or a wrapper named like the builtin
that only forwards its parameter (its callers choose the code). Anything else keeps medium
confidence. `exec` of a code object that `compile` made is not reported again: the `compile`
call is where the code was chosen, and it is judged there, so each defect is shown once.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.data_origin import Trust, data_origin
from secreview.analysis.rules._support.generated_code import generated_code
from secreview.analysis.rules._support.local_bindings import bindings_before, origin_calls
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
_CONFIGURATION = frozenset({"config", "configuration", "settings", "conf"})
"""Attribute names under which programs keep the configuration their operator writes."""


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
    stored = [
        node.value
        for node in ast.walk(owner)
        if isinstance(node, ast.Assign)
        and any(_is_self_attribute(target, expr.attr) for target in node.targets)
    ]
    return bool(stored) and all(
        isinstance(value, ast.Call) and context.call_name(value) in _COMPILERS for value in stored
    )


def _is_self_attribute(target: ast.expr, attribute: str) -> bool:
    return (
        isinstance(target, ast.Attribute)
        and target.attr == attribute
        and isinstance(target.value, ast.Name)
        and target.value.id == "self"
    )


def _configuration_value(expr: ast.expr) -> bool:
    """Whether `expr` reads the program's configuration: `self.config.setup_code`,
    `settings.STARTUP`, `app.config["hook"]` (a value its operator writes, in code by design)."""
    while isinstance(expr, ast.Attribute | ast.Subscript):
        inner = expr.value
        if isinstance(inner, ast.Name) and inner.id in _CONFIGURATION:
            return True
        if isinstance(inner, ast.Attribute) and inner.attr in _CONFIGURATION:
            return True
        expr = inner
    return False


def _forwarded_parameter(context: ModuleContext, call: ast.Call, code: ast.expr) -> str | None:
    """The name of the wrapper around `call` when it is named like the builtin it calls
    (`def _eval(self, code, ns)`, a `compile` method) and only forwards its parameter `code`:
    the code is chosen by the wrapper's callers, and a flow from input into them is found there."""
    function = context.enclosing_function(call)
    if function is None or function.name.strip("_") != context.call_name(call):
        return None
    if not isinstance(code, ast.Name):
        return None
    bindings = bindings_before(context, code)
    if not bindings or any(
        b.value is not None or not isinstance(b.node, ast.arg) for b in bindings
    ):
        return None
    return function.name


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
    "untrusted input reaches it; low when it is a Python file the program is given, a "
    "configuration value, code text generated from fixed fragments (the inserted values are "
    "named), the parameter of a wrapper named like the builtin, or the operator's own input; "
    "medium when it cannot be traced otherwise. Code the program made itself (its "
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
    if origin.trust is not Trust.UNTRACED:
        yield Hit(
            node=node,
            message=f"`{name}` {_EVALUATORS[name]} built from `{shown}`, which is not a "
            f"constant ({origin.phrase}); anyone who influences that value can run arbitrary "
            "code.",
            confidence=origin.confidence(Confidence.MEDIUM),
        )
        return
    reason, confidence = _untraced_reason(context, node, code) or (
        f"built from `{shown}`, which is not a constant ({origin.phrase}); anyone who "
        "influences that value can run arbitrary code.",
        Confidence.MEDIUM,
    )
    yield Hit(
        node=node,
        message=f"`{name}` {_EVALUATORS[name]} {reason}",
        confidence=confidence,
    )


def _untraced_reason(
    context: ModuleContext, call: ast.Call, code: ast.expr
) -> tuple[str, Confidence] | None:
    """Why code nobody can trace is still evidently written by the program or its operator (the
    rest of the message, and the confidence that follows), or None when nothing says so."""
    shown = context.one_line(code, 60)
    if _reads_a_file(context, code):
        return (
            f"read from a file (`{shown}`): the program runs a Python file it is given; by "
            "design for configuration/startup files, a risk only if someone untrusted can "
            "write or choose that file."
        ), Confidence.LOW
    if _configuration_value(code):
        return (
            f"taken from the configuration (`{shown}`): code its operator writes, by design; "
            "a risk only if someone untrusted can write the configuration."
        ), Confidence.LOW
    wrapper = _forwarded_parameter(context, call, code)
    if wrapper is not None:
        return (
            f"passed to `{wrapper}`, a wrapper that forwards its parameter `{shown}`: its "
            "callers choose the code, so review what they pass."
        ), Confidence.LOW
    generated = generated_code(context, code)
    if generated is None:
        return None
    if generated.quoted:
        quoted = _listed(context, generated.quoted)
        return (
            f"generated from fixed code fragments (`{shown}`) with {quoted} "
            "inserted inside a string literal of that code: a quote in the value ends the "
            "literal, and whoever chose it can run arbitrary code."
        ), Confidence.MEDIUM
    return (
        f"generated by the program from fixed code fragments (`{shown}`); inserted values: "
        f"{_listed(context, generated.inserted)}. A risk only if one of those can come from "
        "outside the program."
    ), Confidence.LOW


def _listed(context: ModuleContext, values: list[ast.expr]) -> str:
    """The non-constant values, as code, for a message."""
    shown = [f"`{context.one_line(v, 40)}`" for v in values if not context.is_constant(v)]
    return ", ".join(shown) or "none"
