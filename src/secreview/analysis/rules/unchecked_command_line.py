"""CWE-93: a command line of a text protocol written from a caller's values unchecked for CR/LF.

SMTP, FTP, IMAP, POP3, IRC and memcached clients write each command as one line ending in
`\\r\\n`: `b" ".join(args) + b"\\r\\n"` (aiosmtplib's `execute_command`, behind `mail()` and
`rcpt()`), `"%s %s\\r\\n" % (cmd, args)` (the standard library's `smtplib.putcmd`),
`b"MAIL FROM:<" + address + b">\\r\\n"`. The values are the caller's (an address, a mailbox, a
key) and applications fill them from requests; a value holding `\\r\\n` ends the command and
starts another the server obeys: a second recipient, a `DELE`, a `set` of another cache key.
The fix refuses control characters in every argument (aiosmtplib's `[\\x00-\\x1f\\x7f]` check,
`ftplib.putline`'s `"\\r" in line` test).

Reported: such a line built (by `+`, `%`, `format`, an f-string or `join`) from a parameter of
the function that writes it (`write`, `send`, `sendall`, `push`, a `putline`-like method) in a
module that refuses line breaks nowhere (`line_breaks.refuses_line_breaks`). The line is a
command when its fixed text starts with an upper-case verb (`MAIL FROM:<`, `USER `, `PRIVMSG `)
or when it is only words joined by spaces (`b" ".join(args)`, `"%s %s"`); a whole line
handed in (`line + b"\\r\\n"` in a `_putline(line)`) is its callers' to check. Header lines
(`Name: value`) are `unchecked-header-line`'s. Medium confidence in a public function, low in a
private one (its callers in the module may check).
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.built_strings import Piece
from secreview.analysis.rules._support.line_breaks import (
    is_part_of_larger_string,
    is_string_assembly,
    line_pieces,
    refuses_line_breaks,
)
from secreview.analysis.rules._support.quoting import code
from secreview.analysis.rules._support.web_handlers import parameter_names
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext
from secreview.patterns import lazy_pattern

_VERB = lazy_pattern(r"^[A-Z]{3,}\b(?![-:])")
"""An upper-case command verb at the start of the line (`MAIL`, `USER`, `PRIVMSG`), not a
header's name (`Host:`, `X-Token:`)."""
_WRITING_WORDS = ("write", "send", "push", "putline", "putcmd")
"""Words of the call that puts the line on the wire (`transport.write`, `sock.sendall`)."""
_SELF_NAMES = frozenset({"self", "cls"})


def _refuses_nowhere(context: ModuleContext) -> bool:
    """Whether no node of the module refuses or removes line breaks (asked once per module)."""
    return not any(refuses_line_breaks(node) for node in context.nodes)


def _is_command_line(pieces: list[Piece]) -> bool:
    """Whether the pieces make one line ending in CR LF that starts with a command verb or is
    only run-time words joined by spaces."""
    last = pieces[-1].text if pieces else None
    if last is None or not last.endswith("\r\n") or len(pieces) < 2:
        return False
    inner = [p.text for p in pieces[:-1] if p.text is not None] + [last[:-2]]
    if any("\r" in text or "\n" in text for text in inner):
        return False  # several lines: a message or a header block, not one command
    first = pieces[0].text
    if first is not None:
        return bool(_VERB.search(first)) and "HTTP/" not in "".join(inner)
    words = [p for p in pieces[:-1] if p.text is None]
    spaced = all(
        (a.text is None) != (b.text is None) and (a.text or b.text or "").strip(" ") == ""
        for a, b in itertools.pairwise(pieces[:-1])
    )  # each word and the next apart by spaces: not `b"".join([size, data, CRLF])`
    if not spaced or (pieces[0].text is not None and pieces[0].text.strip()):
        return False
    # A whole line handed in (`line + CRLF`, a `_putline(line)`) is its callers' to check.
    return len(words) > 1 or (len(words) == 1 and _joins_words(words[0].node))


def _joins_words(node: ast.expr | None) -> bool:
    """`b" ".join(args)`: a command's words joined by spaces."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "join"
        and isinstance(node.func.value, ast.Constant)
        and node.func.value.value in (" ", b" ")
    )


def _caller_values(function: ast.AST, pieces: list[Piece]) -> list[ast.expr]:
    """The run-time pieces that are the function's parameters (or a `join` of one)."""
    if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        return []
    parameters = frozenset(parameter_names(function)) - _SELF_NAMES
    found = []
    for piece in pieces:
        value = piece.node
        if not piece.is_dynamic or value is None:
            continue
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
            if value.func.attr != "join" or len(value.args) != 1:
                continue
            value = value.args[0]
        if isinstance(value, ast.Name) and value.id in parameters:
            found.append(piece.node)
    return found


def _written(context: ModuleContext, node: ast.expr, function: ast.AST) -> bool:
    """Whether the line goes to a call that writes or sends it: directly, or through the one
    local name it is assigned to."""
    held = context.parent(node)
    targets = held.targets if isinstance(held, ast.Assign) else []
    names = {t.id for t in targets if isinstance(t, ast.Name)}
    for call in ast.walk(function):
        if not isinstance(call, ast.Call):
            continue
        func = call.func
        callee = (func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")).lower()
        if not any(word in callee for word in _WRITING_WORDS):
            continue
        for part in (n for argument in call.args for n in ast.walk(argument)):
            if part is node or (isinstance(part, ast.Name) and part.id in names):
                return True  # the line itself, or encoded (`line.encode("ascii")`)
    return False


@rule(
    id="unchecked-command-line",
    name="Protocol command line written from values nothing checked for CR/LF",
    cwe=93,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="A client of a line-based protocol (SMTP, FTP, IMAP, POP3, IRC, memcached) writes "
    "a command line ending in `\\r\\n` from its caller's values without refusing carriage "
    "returns and line feeds anywhere in the module.",
    fix="Refuse control characters in every argument before writing the line "
    '(`if re.search(rb"[\\x00-\\x1f\\x7f]", arg): raise ValueError(...)`), as '
    "aiosmtplib does since CVE-2026-53533 and `ftplib.putline` does.",
    what_it_does="Reports a line built by `+`, `%`, `format`, an f-string or `join` that ends "
    "in `\\r\\n`, starts with an upper-case command verb (`MAIL FROM:<`, `USER `) or is only "
    'words joined by spaces (`b" ".join(args)`), splices a parameter of the function, and '
    "is written by that function (`write`, `send`, `sendall`, `push`), in a module that "
    "refuses or removes CR/LF nowhere. Header lines are `unchecked-header-line`'s.",
    why_bad="Applications pass request data (a recipient, a mailbox name, a cache key) to "
    "these clients; a value holding `\\r\\n` ends the command and starts another the server "
    "obeys (CWE-93): more recipients, a deleted message, another key overwritten.",
    example='self.transport.write(b" ".join(args) + b"\\r\\n")',
    use_instead='for arg in args:\n    if re.search(rb"[\\x00-\\x1f\\x7f]", arg):\n'
    '        raise ValueError("control character in a command argument")\n'
    'self.transport.write(b" ".join(args) + b"\\r\\n")',
    references=(
        "https://cwe.mitre.org/data/definitions/93.html",
        "https://github.com/advisories/GHSA-v3q9-hj7j-63hq",
    ),
    visits=(ast.BinOp, ast.Call, ast.JoinedStr),
    text_words=("\\r\\n",),
)
def unchecked_command_line(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report a command line built from a caller's values that may carry line breaks."""
    if not is_string_assembly(node) or not context.derived(_refuses_nowhere):
        return
    assert isinstance(node, ast.expr)
    function = context.enclosing_function(node)
    if function is None or is_part_of_larger_string(context, node):
        return
    pieces = line_pieces(context, node)
    if not _is_command_line(pieces):
        return
    values = _caller_values(function, pieces)
    if not values or not _written(context, node, function):
        return
    shown = code(context, values[0], 40)
    yield Hit(
        node=node,
        message=f"`{shown}`, the caller's value, is written into the command line "
        f"`{code(context, node, 50)}` as it is: nothing in this module refuses CR/LF, so a "
        "value holding `\\r\\n` ends the command and starts another the server obeys.",
        confidence=Confidence.LOW if function.name.startswith("_") else None,
        evidence=tuple((value, "the caller's value, written unchecked") for value in values),
    )
