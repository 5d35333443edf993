"""CWE-606 and CWE-789: a loop count or an allocation size taken from the request, unbounded.

`range(int(request.args["n"]))` runs as many times as the client asks; `"-" * width` and
`[None] * count` allocate as much as it asks. One request with `n=10**9` keeps a worker busy for
minutes or exhausts its memory, and repeating it is free. The value is followed inside the handler
(`n = int(request.args["n"])` a few lines above counts); an upper bound clears it: `min(n, LIMIT)`,
a comparison of the value in an `if` that guards the use (`if n > LIMIT: abort(400)`, or the use
inside `if n <= LIMIT:`), or a FastAPI `Query(..., le=...)`/`lt=` declaration. Counts measured from
the request (`len(request.json["items"])`) are as large as the body already is, so they are not
reported. The taint engine is not used here: its casts (`int(...)`) clear taint of every kind,
since a number carries no attacker text, yet the number itself is what this rule is about.
"""

from __future__ import annotations

import ast
from collections.abc import Container, Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.web_handlers import (
    is_request_handler,
    is_request_object,
    is_route_decorated,
    request_parameter,
    scope_nodes,
    uses_web_framework,
)
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext
from secreview.index.facts import parameter_defaults

Function = ast.FunctionDef | ast.AsyncFunctionDef

_MEASURES = frozenset({"len"})
"""Calls whose result is bounded by the request's own size, whatever it holds."""
_BOUND_KEYWORDS = frozenset({"le", "lt", "max_length"})
_ORDERINGS = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)
_EXITS = (ast.Return, ast.Raise, ast.Continue, ast.Break)
_SIZED_ALLOCATORS = frozenset({"bytearray", "bytes"})
_NUMBER_CONVERSIONS = frozenset({"int", "float"})
_PASSES = 3


def _chosen_by_client(
    node: ast.AST, names: Container[str], context: ModuleContext
) -> ast.AST | None:
    """The read of request data in `node` that is a quantity (not only measured by `len`)."""
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, ast.Call):
            called = context.call_name(current)
            if called in _MEASURES:
                continue
            if called == "min" and any(
                _chosen_by_client(a, names, context) is None for a in current.args
            ):
                continue  # `min(n, LIMIT)`: bounded by the other argument
        if (
            isinstance(current, ast.Name)
            and isinstance(current.ctx, ast.Load)
            and (current.id in names or is_request_object(current, context))
        ):
            return current
        pending.extend(ast.iter_child_nodes(current))
    return None


def _client_quantities(function: Function, context: ModuleContext) -> dict[str, ast.AST]:
    """Local names holding a client-chosen quantity, each with the statement that bound it.

    The parameters of a route function are the client's (URL parts, FastAPI query values),
    unless declared with an upper bound (`Query(10, le=100)`).
    """
    names: dict[str, ast.AST] = {}
    if is_route_decorated(function, context) or request_parameter(function, context):
        arguments = function.args
        defaults = {a.arg: d for a, d in parameter_defaults(arguments)}
        for argument in [*arguments.args, *arguments.kwonlyargs]:
            name = argument.arg
            if name in {"self", "cls"} or name == request_parameter(function, context):
                continue
            if not _declared_bounded(defaults.get(name), argument.annotation):
                names[name] = argument
    assignments = sorted(
        (n for n in scope_nodes(function.body) if isinstance(n, ast.Assign | ast.AnnAssign)),
        key=lambda n: (n.lineno, n.col_offset),
    )
    # In source order one pass follows a chain of any length; the later passes catch values a
    # loop carries back to an earlier line, and three are plenty for that.
    for _ in range(_PASSES):
        changed = False
        for assignment in assignments:
            if assignment.value is None:
                continue
            read = _chosen_by_client(assignment.value, names, context)
            targets = (
                assignment.targets if isinstance(assignment, ast.Assign) else [assignment.target]
            )
            for target in targets:
                if isinstance(target, ast.Name) and read is not None and target.id not in names:
                    names[target.id] = assignment
                    changed = True
        if not changed:
            break
    for assignment in assignments:  # `n = min(n, LIMIT)` bounds the name from there on
        targets = assignment.targets if isinstance(assignment, ast.Assign) else [assignment.target]
        if assignment.value is not None and _clamps(assignment.value, names, context):
            for target in targets:
                if isinstance(target, ast.Name):
                    names.pop(target.id, None)
    return names


def _declared_bounded(default: ast.expr | None, annotation: ast.expr | None) -> bool:
    """A FastAPI parameter declared with an upper bound: `Query(10, le=100)`, `Annotated[...]`."""
    for declared in (default, annotation):
        for node in ast.walk(declared) if declared is not None else ():
            if isinstance(node, ast.Call) and any(k.arg in _BOUND_KEYWORDS for k in node.keywords):
                return True
    return False


def _clamps(value: ast.expr, names: dict[str, ast.AST], context: ModuleContext) -> bool:
    """`min(n, LIMIT)`: a value with a `min` in it that no client-chosen quantity escapes."""
    has_min = any(
        isinstance(n, ast.Call) and context.call_name(n) == "min" for n in ast.walk(value)
    )
    return has_min and _chosen_by_client(value, names, context) is None


def _guarded(use: ast.AST, name: str, function: Function, context: ModuleContext) -> bool:
    """Whether an ordering comparison of `name` bounds the use: an `if` around it, or an earlier
    `if` whose body leaves (`return`, `raise`, `abort(...)`, `continue`)."""
    for ancestor in context.ancestors(use):
        if ancestor is function:
            break
        if isinstance(ancestor, ast.If) and _compares(ancestor.test, name):
            return True
    line = getattr(use, "lineno", 0)
    for node in scope_nodes(function.body):
        if (
            isinstance(node, ast.If | ast.Assert)
            and node.lineno < line
            and _compares(node.test, name)
            and (isinstance(node, ast.Assert) or _leaves(node.body, context))
        ):
            return True
    return False


def _compares(test: ast.expr, name: str) -> bool:
    """Whether `test` orders `name` against something (`n > LIMIT`, `0 < n <= 100`)."""
    return any(
        isinstance(n, ast.Compare)
        and any(isinstance(op, _ORDERINGS) for op in n.ops)
        and any(isinstance(v, ast.Name) and v.id == name for v in [n.left, *n.comparators])
        for n in ast.walk(test)
    )


def _leaves(body: list[ast.stmt], context: ModuleContext) -> bool:
    """Whether a block ends by leaving: `return`, `raise`, `continue`, or a call like `abort()`."""
    last = body[-1] if body else None
    if isinstance(last, _EXITS):
        return True
    if isinstance(last, ast.Expr) and isinstance(last.value, ast.Call):
        name = context.call_name(last.value) or ""
        return name.rsplit(".", 1)[-1] in {"abort", "exit", "fail", "error"}
    return False


def _handler_quantities(node: ast.AST, context: ModuleContext) -> dict[str, ast.AST] | None:
    """The client-chosen quantities of the handler `node` is, or None when it is none."""
    assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    if not uses_web_framework(context) or not is_request_handler(node, context):
        return None
    return _client_quantities(node, context)


def _unbounded(
    expression: ast.expr, names: dict[str, ast.AST], function: Function, context: ModuleContext
) -> ast.AST | None:
    """The client-chosen read in `expression`, unless a guard or a clamp bounds it."""
    read = _chosen_by_client(expression, names, context)
    if read is None:
        return None
    if (
        isinstance(read, ast.Name)
        and read.id in names
        and _guarded(expression, read.id, function, context)
    ):
        return None
    return read


def _origin_evidence(
    read: ast.AST, names: dict[str, ast.AST], context: ModuleContext
) -> tuple[tuple[ast.AST, str], ...]:
    """Where the client-chosen name got its value, as one evidence step."""
    if isinstance(read, ast.Name) and read.id in names:
        origin = names[read.id]
        return ((origin, f"`{read.id}` is chosen by the client here"),)
    return ()


def _loop_bounds(function: Function) -> Iterator[tuple[ast.AST, ast.expr]]:
    """(node to report, bound expression) for `range(...)` stops and `while` comparisons."""
    for node in scope_nodes(function.body):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
            if node.func.id == "range":
                yield node, node.args[0] if len(node.args) == 1 else node.args[1]
        elif isinstance(node, ast.While):
            for compare in ast.walk(node.test):
                if isinstance(compare, ast.Compare) and any(
                    isinstance(op, _ORDERINGS) for op in compare.ops
                ):
                    for side in [compare.left, *compare.comparators]:
                        yield node.test, side


@rule(
    id="untrusted-loop-bound",
    name="Loop count chosen by the client with no upper bound",
    cwe=606,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="A web handler loops as many times as a request value says (`range(n)`, "
    "`while i < n`) without bounding it first.",
    fix="Bound the count before looping: `n = min(int(request.args['n']), MAX_ITEMS)`, or "
    "refuse larger values (`if n > MAX_ITEMS: abort(400)`); in FastAPI declare "
    "`Query(..., le=MAX_ITEMS)`.",
    what_it_does="In web handlers (route functions, views taking the request, functions "
    "reading `flask.request`), follows request values and route parameters through local "
    "assignments (`n = int(request.args['n'])`) to the stop of a `range(...)` or an ordering "
    "comparison in a `while` test, and reports it unless the value is clamped (`min(n, "
    "LIMIT)`), compared in an `if` that surrounds the loop or leaves before it, or declared "
    "with `le=`/`lt=`. Counts measured with `len(...)` are bounded by the body and not "
    "reported.",
    why_bad="The client picks how long the worker runs: one request with `n=10**9` ties up a "
    "worker (or the event loop) for minutes, and a handful of such requests takes the service "
    "down for everyone (CWE-606, CWE-400). Each costs the attacker one small request.",
    example="@app.get('/numbers')\ndef numbers():\n    n = int(request.args['n'])\n"
    "    return jsonify([i * i for i in range(n)])",
    use_instead="MAX_NUMBERS = 1000\n\n@app.get('/numbers')\ndef numbers():\n"
    "    n = min(int(request.args['n']), MAX_NUMBERS)\n"
    "    return jsonify([i * i for i in range(n)])",
    references=(
        "https://cwe.mitre.org/data/definitions/606.html",
        "https://cwe.mitre.org/data/definitions/400.html",
        "https://fastapi.tiangolo.com/tutorial/query-params-str-validations/",
    ),
    visits=(ast.FunctionDef, ast.AsyncFunctionDef),
)
def untrusted_loop_bound(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report loops whose count a request value sets with no upper bound."""
    names = _handler_quantities(node, context)
    if names is None:
        return
    assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    for sink, bound in _loop_bounds(node):
        read = _unbounded(bound, names, node, context)
        if read is None:
            continue
        yield Hit(
            node=sink,
            message=f"`{context.one_line(sink)}` loops as many times as "
            f"`{context.one_line(read)}` says, and the client chooses it with no upper bound: "
            "one request can keep this worker busy for as long as it likes.",
            evidence=_origin_evidence(read, names, context),
        )
        return  # one finding per handler: the fix is one bound


def _is_number(node: ast.expr, names: dict[str, ast.AST], context: ModuleContext) -> bool:
    """`int(...)`, or a name bound to one or declared `int`: a size, not a buffer to copy."""
    if isinstance(node, ast.Name) and node.id in names:
        origin = names[node.id]
        if isinstance(origin, ast.arg):
            return isinstance(origin.annotation, ast.Name) and origin.annotation.id == "int"
        node = getattr(origin, "value", node)
    if not isinstance(node, ast.Call):
        return False
    converted = context.call_name(node) in _NUMBER_CONVERSIONS
    typed = any(  # `request.args.get("n", type=int)`
        k.arg == "type" and isinstance(k.value, ast.Name) and k.value.id == "int"
        for k in node.keywords
    )
    return converted or typed


def _allocation_sizes(
    function: Function, names: dict[str, ast.AST], context: ModuleContext
) -> Iterator[ast.expr]:
    """Size expressions of `"x" * n`, `[0] * n`, `bytearray(n)`, `bytes(n)`."""
    for node in scope_nodes(function.body):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            for sequence, size in ((node.left, node.right), (node.right, node.left)):
                if isinstance(sequence, ast.List | ast.Tuple) or (
                    isinstance(sequence, ast.Constant) and isinstance(sequence.value, str | bytes)
                ):
                    yield size
        elif (
            isinstance(node, ast.Call)
            and context.call_name(node) in _SIZED_ALLOCATORS
            and len(node.args) == 1
            and not node.keywords
            and _is_number(node.args[0], names, context)
        ):
            yield node.args[0]  # `bytes(data)` copies a buffer; `bytes(n)` makes n zero bytes


@rule(
    id="untrusted-allocation-size",
    name="Allocation sized by the client with no upper bound",
    cwe=789,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="A web handler repeats a string or list, or allocates a buffer, as large as a "
    "request value says (`'-' * n`, `[0] * n`, `bytearray(n)`) without bounding it.",
    fix="Bound the size before allocating (`n = min(n, MAX_SIZE)`, or `if n > MAX_SIZE: "
    "abort(400)`), or declare `Query(..., le=MAX_SIZE)`.",
    what_it_does="In web handlers, follows request values and route parameters through "
    "local assignments to the count of a sequence repetition (`'x' * n`, `[None] * n`) or "
    "to `bytearray(n)`/`bytes(n)`, and reports it unless the value is clamped with `min`, "
    "compared in a guarding `if`, or declared with `le=`/`lt=`.",
    why_bad="The allocation happens at once, before any of it is used: `n=10**10` asks the "
    "worker for 10 GB, which fails with `MemoryError` at best and, at worst, swaps the host "
    "or gets the process killed together with every request it was serving (CWE-789).",
    example="@app.get('/banner')\ndef banner():\n    width = int(request.args['width'])\n"
    "    return '=' * width",
    use_instead="@app.get('/banner')\ndef banner():\n"
    "    width = min(int(request.args['width']), 200)\n    return '=' * width",
    references=(
        "https://cwe.mitre.org/data/definitions/789.html",
        "https://cwe.mitre.org/data/definitions/770.html",
    ),
    visits=(ast.FunctionDef, ast.AsyncFunctionDef),
)
def untrusted_allocation_size(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report repetitions and buffers whose size a request value sets with no upper bound."""
    names = _handler_quantities(node, context)
    if names is None:
        return
    assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    for size in _allocation_sizes(node, names, context):
        read = _unbounded(size, names, node, context)
        if read is None:
            continue
        sink = context.parent(size) or size
        yield Hit(
            node=sink,
            message=f"`{context.one_line(sink)}` allocates as much as `{context.one_line(read)}` "
            "says, and the client chooses it with no upper bound: one request can exhaust "
            "this worker's memory.",
            evidence=_origin_evidence(read, names, context),
        )
        return
