"""Names the program draws itself, from an alphabet no shell gives a meaning to.

`tempfile.mkdtemp()` answers a new directory under the temporary folder whose last part is
drawn from letters, digits and `_`; `uuid.uuid4().hex`, `str(uuid.uuid4())` and
`secrets.token_hex(16)` are hex digits (and dashes). Spliced into a command line they hold no
`;`, `|`, `$` or blank, whoever sends the request: the folder and the token are the program's
(`shell-command-injection`). A prefix, suffix or folder handed to the call is text of its own,
so only calls given constants (or nothing) count.

A path joined from such names, the temporary folder (`tempfile.gettempdir()`, the operator's
`TMPDIR`) and fixed text is the program's too: bisheng's `os.path.join(tmp_dir, uuid.uuid4().hex
+ ".wav")` handed to `ffmpeg` through a shell. Local names are read back to what they were
assigned, in the function, every binding of them.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.local_bindings import MAX_DEPTH, bindings_before
from secreview.index.context import ModuleContext

UUID_CALLS = frozenset(
    {
        *("uuid.uuid1", "uuid.uuid4", "uuid.uuid6", "uuid.uuid7"),
        *("uuid_utils.uuid1", "uuid_utils.uuid4", "uuid_utils.uuid6", "uuid_utils.uuid7"),
        *("uuid_utils.compat.uuid1", "uuid_utils.compat.uuid4", "uuid_utils.compat.uuid6"),
        *("uuid_utils.compat.uuid7", "uuid6.uuid6", "uuid6.uuid7"),
    }
)
"""Fresh UUIDs: random bits and a clock reading. The time-ordered versions 6 and 7
(`uuid.uuid7` since Python 3.14, the `uuid_utils` and `uuid6` packages' drop-ins) are drawn as
versions 1 and 4 are."""
_DRAWN_CALLS = UUID_CALLS | {"tempfile.mkdtemp", "secrets.token_hex", "secrets.token_urlsafe"}
"""Calls answering a name drawn from letters, digits, `-` and `_` (a UUID's text form too)."""
_TEMP_FOLDERS = frozenset({"tempfile.gettempdir", "tempfile.gettempdirb"})
_PATH_JOINS = frozenset({"os.path.join", "posixpath.join"})
_TEXT_FORMS = frozenset({"hex", "urn"})
"""Attributes of a UUID spelled in hex digits (and `urn:uuid:`)."""


def is_drawn_name(node: ast.expr, context: ModuleContext) -> bool:
    """Whether `node` is a name the program drew itself, or a path joined from such names, the
    temporary folder and fixed text (see the module)."""
    return _drawn_call(node, context) or _own_path(node, context, 0)


def _drawn_call(node: ast.expr, context: ModuleContext) -> bool:
    """`uuid.uuid4().hex`, `str(uuid.uuid4())`, `tempfile.mkdtemp()`: a drawn name itself."""
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


def _own_path(node: ast.expr, context: ModuleContext, depth: int) -> bool:
    """Whether `node` is built only of drawn names, the temporary folder and fixed text."""
    if depth > MAX_DEPTH:
        return False
    if _drawn_call(node, context) or context.is_constant(node):
        return True
    parts: list[ast.expr]
    match node:
        case ast.Call() if context.call_name(node) in _TEMP_FOLDERS and not node.args:
            return True
        case ast.Call() if context.call_name(node) in _PATH_JOINS and not node.keywords:
            parts = list(node.args)
        case ast.BinOp(op=ast.Add()):
            parts = [node.left, node.right]
        case ast.JoinedStr():
            parts = [v.value if isinstance(v, ast.FormattedValue) else v for v in node.values]
        case ast.Name():
            bindings = bindings_before(context, node)
            if not bindings or any(b.value is None or b.augmented_op for b in bindings):
                return False
            parts = [b.value for b in bindings if b.value is not None]
        case _:
            return False
    return bool(parts) and all(_own_path(part, context, depth + 1) for part in parts)
