"""Names the program draws itself, from an alphabet no shell gives a meaning to.

`tempfile.mkdtemp()` answers a new directory under the temporary folder whose last part is
drawn from letters, digits and `_`; `uuid.uuid4().hex`, `str(uuid.uuid4())` and
`secrets.token_hex(16)` are hex digits (and dashes). Spliced into a command line they hold no
`;`, `|`, `$` or blank, whoever sends the request: the folder and the token are the program's
(`shell-command-injection`). A prefix, suffix or folder handed to the call is text of its own,
so only calls given constants (or nothing) count.
"""

from __future__ import annotations

import ast

from secreview.index.context import ModuleContext

_DRAWN_CALLS = frozenset(
    {
        "tempfile.mkdtemp",
        "uuid.uuid1",
        "uuid.uuid4",
        "secrets.token_hex",
        "secrets.token_urlsafe",
    }
)
"""Calls answering a name drawn from letters, digits, `-` and `_` (a UUID's text form too)."""
_TEXT_FORMS = frozenset({"hex", "urn"})
"""Attributes of a UUID spelled in hex digits (and `urn:uuid:`)."""


def is_drawn_name(node: ast.expr, context: ModuleContext) -> bool:
    """Whether `node` is a name the program drew itself (see the module)."""
    if isinstance(node, ast.Attribute) and node.attr in _TEXT_FORMS:
        node = node.value
    elif (
        isinstance(node, ast.Call)
        and context.call_name(node) == "str"
        and len(node.args) == 1
        and not node.keywords
    ):
        node = node.args[0]
    if not isinstance(node, ast.Call) or context.call_name(node) not in _DRAWN_CALLS:
        return False
    given = [*node.args, *(keyword.value for keyword in node.keywords)]
    return all(context.is_constant(value) for value in given)
