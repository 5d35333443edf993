"""Whether a check's failure, swallowed inside a loop, skips that item's work.

`for task_id in ids: try: check_access(task_id); update(task_id) except Denied: pass` refuses
an item by skipping it: the work the check guards follows it inside the same `try`, and the
`try` ends the loop body, so falling out of the handler goes straight to the next item. The
swallowed exception is the refusal, not a failure that carries on as if the check passed.
"""

from __future__ import annotations

import ast

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
