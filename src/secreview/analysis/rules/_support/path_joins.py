"""Where a path-traversal finding points: the join that put the untrusted part into the path.

`abs_path = os.path.join(base, name)` followed, a few lines below, by `send_file(abs_path)` and
`os.listdir(abs_path)` is one defect, not two: the untrusted `name` leaves the folder it was
meant for at the join, and the fix goes there (`safe_join`, `secure_filename`, a containment
check on the normalised result). So when the path a file operation receives was assigned from a
join in the same function, on the flow's own path, the finding is placed at that join; the file
operations it reaches are the last step of the evidence, and one join that reaches several is
one finding. A join in another function (a helper that builds the path) leaves the finding at
the file operation, the one place in the handler a reader can see both.
"""

from __future__ import annotations

import ast

from secreview.analysis.taint import AnalysisContext
from secreview.analysis.taint.results import SinkEvent

JOIN_FUNCTIONS = frozenset({"os.path.join", "posixpath.join", "ntpath.join"})
"""The functions that join path parts, on every platform's module."""


def _is_join(node: ast.AST, context: AnalysisContext) -> bool:
    """`os.path.join(...)`, `base.joinpath(...)` or `base / name` (a path operator on the flow of
    a file path: nothing else divides a value that ends up opened)."""
    if isinstance(node, ast.BinOp):
        return isinstance(node.op, ast.Div)
    if not isinstance(node, ast.Call):
        return False
    if isinstance(node.func, ast.Attribute) and node.func.attr == "joinpath":
        return True
    return context.call_name(node) in JOIN_FUNCTIONS


def join_of(event: SinkEvent, context: AnalysisContext) -> ast.AST | None:
    """The join call (or `/`) whose result the flow of `event` was assigned from, in the
    function of the sink and before it; the first such join when there are several (a path
    joined again under a clean name keeps the untrusted part it got at the first)."""
    function = context.enclosing_function(event.node)
    sink_line = getattr(event.node, "lineno", 0)
    for node, note in event.flow.steps:
        if not note.startswith("assigned to ") or not isinstance(node, ast.Name):
            continue
        statement = context.parent(node)
        if not isinstance(statement, ast.Assign | ast.AnnAssign) or statement.value is None:
            continue
        if context.enclosing_function(statement) is not function:
            continue
        if statement.lineno >= sink_line:
            continue
        join = next((n for n in ast.walk(statement.value) if _is_join(n, context)), None)
        if join is not None:
            return join
    return None
