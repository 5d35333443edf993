"""Calls the scan does not follow: their result is taken to carry their arguments, and says so.

When a call is neither a function of the module (or of a module the project scan summarised) nor
a modelled library call, the engine assumes its result may hold any of its arguments' data
(`FrameState.default_result`): `g.ledger.statement_path(request.args["hash"])` may return the
hash, so a path built from it is followed. That keeps real flows through helpers the scan was
not given, but the flow is then likely, not proven. The evidence names the call ("through
`g.ledger.statement_path()`, which the scan does not follow"), so a reader sees where the path rests
on that assumption, and the flow carries the `UNREAD_CALL` marker, which caps a finding's
confidence at medium: a lookup that returns a stored path, not the key it was given, is the
usual way such findings are wrong.

A call is unread when no model names it and it is a function of an imported module that is not
the standard library's (a project module the scan was not given or did not summarise for this
call, an unmodelled third-party package), or a method of an object nothing describes. In a
project scan, the cross-module pass summarises the functions other modules call where data from
the network can reach them; a call it left alone stays unread (Paste's `request.get_cookies`
from its session module: a true finding rated medium). Builtins and standard-library functions
without a model (`reversed`, `textwrap.dedent`, `urllib.parse.urlparse`) are left alone: they
are known to hand their argument's text back; so are methods of a modelled type (`.get` of a
request's arguments).
"""

from __future__ import annotations

import ast

from secreview.analysis.models import Models
from secreview.analysis.taint.markers import UNREAD_CALL
from secreview.analysis.taint.semantics import BUILTINS
from secreview.analysis.taint.values import Value
from secreview.index.context import ModuleContext
from secreview.package_files import stdlib_module_names

_MAX_SHOWN = 60
"""Longest call text an evidence step quotes."""
UNREAD_NOTE = "which the scan does not follow"
"""The words of the evidence step that names such a call."""
HIDDEN_NOTE = (
    "rated medium at most: the path goes through a call the scan does not follow, in a step "
    "not shown here (inside another module's summary, or in the middle of a long path)"
)
"""The evidence step that says so when the step naming the call is not shown."""


def through_unread_call(
    result: Value, names: list[str], node: ast.Call, context: ModuleContext, models: Models
) -> Value:
    """`result` of the call `node` (model names `names`), with a step naming the call and the
    `UNREAD_CALL` marker on every flow when the scan does not follow it (see the module)."""
    if not result.all_flows() or not _unread(names, context, models):
        return result
    shown = (context.segment(node.func) or "the call").replace("\n", " ")
    if len(shown) > _MAX_SHOWN:
        shown = shown[: _MAX_SHOWN - 3] + "..."
    note = f"through `{shown}()`, {UNREAD_NOTE} (taken to return its arguments' data)"
    return result.mapped(lambda flow: flow.then(node, note).sanitised((UNREAD_CALL,)))


def _unread(names: list[str], context: ModuleContext, models: Models) -> bool:
    if not names:
        return True  # a callable held in a variable nothing describes
    if models.names_any(names):
        return False
    first = names[0]
    if first.startswith("*."):
        return True  # a method of an object nothing describes
    root = first.partition(".")[0]
    if root in BUILTINS or root in stdlib_module_names():
        return False
    package = (context.package or "").partition(".")[0]
    return root == package or context.imports_module(root)
