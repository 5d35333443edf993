"""Whether a call runs only after an HMAC of its data was checked in constant time.

Pickled data that crosses a trust boundary is made safe the way the deserialisation rule advises:
the sender signs the bytes with a keyed HMAC and the receiver unpickles only when
`hmac.compare_digest(received, expected)` holds. The comparison is the gate: a load in the branch
where it held (`if compare_digest(...): pickle.loads(data)`), or after a statement that leaves
the loop or function when it failed (`if not compare_digest(...): continue`), runs on
authenticated data alone. The comparison must involve an HMAC (`hmac.new`, `hmac.digest`) whose
message shares a name with the data loaded (`buf` signed, `b64decode(buf)` loaded): a token
check on something else (a CSRF token) leaves the load reported.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.value_sources import contributions
from secreview.index.context import ModuleContext

_COMPARISONS = frozenset({"compare_digest", "constant_time_compare"})
"""Last name component of constant-time comparisons: `hmac.compare_digest`,
`secrets.compare_digest`, Django's `constant_time_compare`, a project's fallback of either."""
_EXITS = (ast.Continue, ast.Break, ast.Return, ast.Raise)
_HMACS = frozenset({"hmac.new", "hmac.HMAC", "hmac.digest"})


def runs_after_digest_check(context: ModuleContext, call: ast.Call, data: ast.expr) -> bool:
    """Whether `call` runs only once an HMAC of `data` was compared in constant time, in its own
    function."""
    names = _names(context, data)
    child: ast.AST = call
    for parent in context.ancestors(call):
        if isinstance(parent, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            return False
        if (
            isinstance(parent, ast.If)
            and child in parent.body
            and _is_check(context, parent.test, names)
        ):
            return True
        for block in _blocks(parent):
            if child in block and any(
                _leaves_on_failure(context, s, names) for s in block[: block.index(child)]
            ):
                return True
        child = parent
    return False


def _blocks(node: ast.AST) -> list[list[ast.stmt]]:
    """The statement lists directly inside `node` (bodies, else branches, handlers' bodies)."""
    return [
        block
        for field in ("body", "orelse", "finalbody")
        if isinstance(block := getattr(node, field, None), list)
    ]


def _leaves_on_failure(context: ModuleContext, statement: ast.stmt, names: set[str]) -> bool:
    """`if not compare_digest(a, b): continue` (or break/return/raise), with no else branch."""
    return (
        isinstance(statement, ast.If)
        and not statement.orelse
        and isinstance(statement.test, ast.UnaryOp)
        and isinstance(statement.test.op, ast.Not)
        and _is_check(context, statement.test.operand, names)
        and isinstance(statement.body[-1], _EXITS)
    )


def _is_check(context: ModuleContext, test: ast.expr, names: set[str]) -> bool:
    """A constant-time comparison (resolved or as written) of an HMAC over one of `names`."""
    if not isinstance(test, ast.Call):
        return False
    name = context.call_name(test) or ""
    written = test.func.attr if isinstance(test.func, ast.Attribute) else ""
    if isinstance(test.func, ast.Name):
        written = test.func.id
    if name.rpartition(".")[2] not in _COMPARISONS and written not in _COMPARISONS:
        return False
    return any(
        isinstance(expr, ast.Call)
        and context.call_name(expr) in _HMACS
        and (message := ModuleContext.argument(expr, 1, "msg")) is not None
        and names & _names(context, message)
        for argument in test.args[:2]
        for expr in contributions(context, argument)
    )


def _names(context: ModuleContext, expr: ast.expr) -> set[str]:
    """The local and global names `expr` is built from."""
    return {e.id for e in contributions(context, expr) if isinstance(e, ast.Name)}
