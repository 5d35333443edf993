"""Whether a call runs only after a constant-time digest comparison succeeded.

Pickled data that crosses a trust boundary is made safe the way the deserialisation rule advises:
the sender signs the bytes with a keyed HMAC and the receiver unpickles only when
`hmac.compare_digest(received, expected)` holds. The comparison is the gate: a load in the branch
where it held (`if compare_digest(...): pickle.loads(data)`), or after a statement that leaves
the loop or function when it failed (`if not compare_digest(...): continue`), runs on
authenticated data alone. Only the gate's shape is checked; that the HMAC covers the very bytes
loaded is left to the reader (the comparison rarely guards anything else).
"""

from __future__ import annotations

import ast

from secreview.index.context import ModuleContext

_COMPARISONS = frozenset({"compare_digest", "constant_time_compare"})
"""Last name component of constant-time comparisons: `hmac.compare_digest`,
`secrets.compare_digest`, Django's `constant_time_compare`, a project's fallback of either."""
_EXITS = (ast.Continue, ast.Break, ast.Return, ast.Raise)


def runs_after_digest_check(context: ModuleContext, call: ast.Call) -> bool:
    """Whether `call` runs only once a digest comparison in its own function has succeeded."""
    child: ast.AST = call
    for parent in context.ancestors(call):
        if isinstance(parent, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            return False
        if isinstance(parent, ast.If) and child in parent.body and _is_check(context, parent.test):
            return True
        for block in _blocks(parent):
            if child in block and any(
                _leaves_on_failure(context, s) for s in block[: block.index(child)]
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


def _leaves_on_failure(context: ModuleContext, statement: ast.stmt) -> bool:
    """`if not compare_digest(a, b): continue` (or break/return/raise), with no else branch."""
    return (
        isinstance(statement, ast.If)
        and not statement.orelse
        and isinstance(statement.test, ast.UnaryOp)
        and isinstance(statement.test.op, ast.Not)
        and _is_check(context, statement.test.operand)
        and isinstance(statement.body[-1], _EXITS)
    )


def _is_check(context: ModuleContext, test: ast.expr) -> bool:
    """A call of a constant-time comparison, resolved or as written."""
    if not isinstance(test, ast.Call):
        return False
    name = context.call_name(test) or ""
    written = test.func.attr if isinstance(test.func, ast.Attribute) else ""
    if isinstance(test.func, ast.Name):
        written = test.func.id
    return name.rpartition(".")[2] in _COMPARISONS or written in _COMPARISONS
