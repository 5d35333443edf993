"""A local name an anchored regular expression accepted whole before it is used.

`if not re.match(r"^[A-Za-z0-9_]+$", key): raise ValueError(key)` leaves `key` made of those
characters only. Pattern rules that report a run-time value spliced into text (SQL built with
`str.format`) cannot ask the data flow about a value whose origin it does not analyse (a
parameter, a loop variable over the object's own state); this reads the check itself, with the
alphabet reading the taint engine uses (`matched_alphabets.checked_kinds`), so a value checked
this way is not reported where none of its characters is dangerous.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.function_flow import own_nodes, rebound_between
from secreview.analysis.rules._support.web_handlers import scope_nodes
from secreview.analysis.taint.matched_alphabets import checked_kinds
from secreview.index.context import ModuleContext

_CHECKS = {"re.match": False, "re.fullmatch": True, "regex.match": False, "regex.fullmatch": True}
"""Checking functions, each with whether it matches the whole text without anchors."""
_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def regex_checked(context: ModuleContext, use: ast.Name, kind: str) -> bool:
    """Whether an `if` that always runs before `use` leaves (`raise`, `return`, or `continue`
    of the loop `use` is in) unless a fixed pattern matched the very name whole, and that
    pattern's alphabet holds nothing dangerous for the sink `kind` (`sql`, `command`, ...);
    the name is not rebound between the check and the use."""
    function = next((a for a in context.ancestors(use) if isinstance(a, _FUNCTIONS)), None)
    if function is None:
        return False
    for node in scope_nodes(function.body):
        if not isinstance(node, ast.If) or not node.body or node.lineno >= use.lineno:
            continue
        checked = _rejected_unless_matched(node.test, use.id, context)
        if not _safe_for(checked, kind):
            continue
        if _dominates(node, use, context) and not rebound_between(
            own_nodes(function), use, node, use
        ):
            return True
    return False


def _rejected_unless_matched(test: ast.expr, name: str, context: ModuleContext) -> object:
    """The kinds `checked_kinds` gives when `test` is true exactly when `name` failed the
    match (`not re.match(P, name)`, `re.match(P, name) is None`), where None means every kind;
    False, as `checked_kinds` says of a pattern that proves nothing, when it is not such a test."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        call = test.operand
    elif (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Is)
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
    ):
        call = test.left
    else:
        return False
    if not isinstance(call, ast.Call) or len(call.args) < 2:
        return False
    whole = _CHECKS.get(context.call_name(call) or "")
    subject = call.args[1]
    if whole is None or not (isinstance(subject, ast.Name) and subject.id == name):
        return False
    pattern = context.constant_value(call.args[0])
    if not isinstance(pattern, str):
        return False
    if len(call.args) > 2 or call.keywords:
        return False  # flags (MULTILINE, VERBOSE) change what the pattern means
    return checked_kinds(pattern, whole)


def _safe_for(checked: object, kind: str) -> bool:
    """`checked_kinds`' answer read for one sink kind (None: safe for every kind)."""
    if checked is None:
        return True
    return isinstance(checked, frozenset) and kind in checked


def _dominates(guard: ast.If, use: ast.AST, context: ModuleContext) -> bool:
    """Whether `guard` sits in a block that holds `use`, before it, and leaves that path: a
    `raise` or `return` always does; a `continue` only when no loop stands between the guard's
    block and `use` (it then skips the iteration `use` is in)."""
    last = guard.body[-1]
    if not isinstance(last, ast.Raise | ast.Return | ast.Continue):
        return False
    block = context.parent(guard)
    lineage = [use, *context.ancestors(use)]
    if block is None or block not in lineage:
        return False
    inner = lineage[lineage.index(block) - 1]
    statements = next(
        (
            getattr(block, field)
            for field in ("body", "orelse", "finalbody")
            if guard in getattr(block, field, ())
        ),
        None,
    )
    if statements is None or inner not in statements:
        return False
    if statements.index(guard) >= statements.index(inner):
        return False
    if isinstance(last, ast.Continue):
        between = lineage[: lineage.index(block)]
        return isinstance(block, _LOOPS) and not any(isinstance(a, _LOOPS) for a in between)
    return True
