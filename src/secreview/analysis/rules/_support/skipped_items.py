"""Whether a check's swallowed failure does what the check's refusal does.

`for task_id in ids: try: check_access(task_id); update(task_id) except Denied: pass` refuses
an item by skipping it: the work the check guards follows it inside the same `try`, and the
`try` ends the loop body, so falling out of the handler goes straight to the next item. The
swallowed exception is the refusal, not a failure that carries on as if the check passed.
So is `try: if verify(sig): accept() except Exception: pass`: the failure skips the `if`'s body
exactly as a "no" does.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.security_operations import SecurityOperation
from secreview.index.context import ModuleContext

_LOOPS = (ast.For, ast.AsyncFor, ast.While)


def refusal_skips_the_item(
    statement: ast.Try | ast.TryStar | ast.With, check: ast.AST, context: ModuleContext
) -> bool:
    """Whether `statement` is the last of a loop body and the `check` call is in one of its
    statements before the last: a failure skips the rest of that item and nothing else runs."""
    if not isinstance(statement, ast.Try | ast.TryStar) or statement.orelse:
        return False
    loop = context.parent(statement)
    if not isinstance(loop, _LOOPS) or loop.body[-1] is not statement:
        return False
    lineage = [check, *context.ancestors(check)]
    for index, part in enumerate(statement.body):
        if part in lineage:
            return index < len(statement.body) - 1
    return False


def failure_skips_the_branch(check: ast.AST, context: ModuleContext) -> bool:
    """Whether `check` is the test of an `if` with no `else` (alone or `and`-ed with others,
    never negated): raising skips the body just as answering False does, and nothing else is
    skipped, so swallowing the failure grants nothing a refusal would not."""
    node, parent = check, context.parent(check)
    while isinstance(parent, ast.BoolOp) and isinstance(parent.op, ast.And):
        node, parent = parent, context.parent(parent)
    return isinstance(parent, ast.If) and parent.test is node and not parent.orelse


def open_checks(
    operations: list[SecurityOperation], context: ModuleContext
) -> list[SecurityOperation]:
    """The operations whose swallowed failure may grant something: not those that only decide
    whether an `if` without `else` runs its body."""
    return [op for op in operations if not failure_skips_the_branch(op.call, context)]
