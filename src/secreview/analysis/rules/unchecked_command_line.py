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
the function that writes it (`write`, `send`, `sendall`, `push`, a `putline`-like method),
unless line breaks are refused (`line_breaks.refuses_line_breaks`) by a pattern constant of the
module, in that function, or in a function of the module it calls. The line is a
command when its fixed text starts with a verb (`MAIL FROM:<`, `USER `, `PRIVMSG `, memcached's
`set `) or when it is only words joined by spaces (`b" ".join(args)`, `"%s %s"`); a whole line
handed in (`line + b"\\r\\n"` in a `_putline(line)`) is its callers' to check. A line ending
in a bare `\\n` (OpenVPN's management interface, `'client-kill {0!s}\\n'.format(...)`) counts
when a call named for sending writes it (`send_command`): files are written line by line too.
Header lines (`Name: value`) are `unchecked-header-line`'s. Medium confidence in a public
function (a constructor too), low in a private one (its callers in the module may check).
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

_VERB = lazy_pattern(r"^(?:[A-Z]{3,}\b(?![-:])|[a-z][a-z0-9]*(?:-[a-z0-9]+)* )")
"""A command verb at the start of the line: upper-case (`MAIL`, `USER`, `PRIVMSG`, not a
header's name, `Host:`), or a lower-case word before a space (memcached's `set`, OpenVPN's
management `client-kill`)."""
_WRITING_WORDS = ("write", "send", "push", "putline", "putcmd")
"""Words of the call that puts the line on the wire (`transport.write`, `sock.sendall`)."""
_SENDING_WORDS = ("send", "command", "push")
"""Words of the call that sends a line ending in a bare LF (`sock.send`, `send_command`): a
protocol's; `write` is also every file's, whose lines end so too."""
_SELF_NAMES = frozenset({"self", "cls"})
_PASSED_THROUGH = frozenset({"encode", "decode", "strip", "upper", "lower"})
"""Methods whose result keeps every line break of the text they are called on."""


def _refusing_functions(context: ModuleContext) -> tuple[frozenset[str], bool]:
    """The names of the module's functions that refuse or remove line breaks, and whether a
    pattern constant naming them (`re.compile(rb"[\\x00-\\x1f\\x7f]")`, the usual check)
    stands anywhere in the module (asked once per module)."""
    names: set[str] = set()
    pattern = False
    for node in context.nodes:
        if not refuses_line_breaks(node):
            continue
        if isinstance(node, ast.Constant):
            pattern = True
        function = context.enclosing_function(node)
        if function is not None:
            names.add(function.name)
    return frozenset(names), pattern


def _refused(context: ModuleContext, function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether line breaks are refused for this line: a pattern naming them in the module, or a
    refusal in the function writing it or in a function of the module it calls (`self._check(
    arg)`). A `.replace("\\r\\n", "")` on a reply another function parses refuses nothing
    the command sends."""
    names, pattern = context.derived(_refusing_functions)
    if pattern or function.name in names:
        return True
    for call in ast.walk(function):
        if isinstance(call, ast.Call):
            func = call.func
            callee = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if callee in names:
                return True
    return False


def _is_private(name: str) -> bool:
    """`_helper`, not `__init__`: a dunder method is called from outside the class."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _line_end(pieces: list[Piece]) -> str | None:
    """The line break the pieces end with (`\\r\\n`, or a bare `\\n`), None without one."""
    last = pieces[-1].text if len(pieces) > 1 else None
    if last is None or not last.endswith("\n"):
        return None
    return "\r\n" if last.endswith("\r\n") else "\n"


def _is_command_line(pieces: list[Piece], end: str) -> bool:
    """Whether the pieces make one line ending in `end` that starts with a command verb or
    (with CR LF) is only run-time words joined by spaces."""
    last = pieces[-1].text or ""
    inner = [p.text for p in pieces[:-1] if p.text is not None] + [last[: -len(end)]]
    if any("\r" in text or "\n" in text for text in inner):
        return False  # several lines: a message or a header block, not one command
    first = pieces[0].text
    if first is not None:
        return bool(_VERB.search(first)) and "HTTP/" not in "".join(inner)
    if end != "\r\n":
        return False
    words = [p for p in pieces[:-1] if p.text is None]
    spaced = all(
        (a.text is None) != (b.text is None) and (a.text or b.text or "").strip(" ") == ""
        for a, b in itertools.pairwise(pieces[:-1])
    )  # each word and the next apart by spaces: not `b"".join([size, data, CRLF])`
    if not spaced:
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
    """The run-time pieces that are the function's parameters, a part of one, or a `join` or
    an `encode` of one."""
    if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        return []
    parameters = frozenset(parameter_names(function)) - _SELF_NAMES
    found = []
    for piece in pieces:
        value = piece.node
        if not piece.is_dynamic or value is None:
            continue
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
            if value.func.attr in _PASSED_THROUGH and not value.args[1:]:
                value = value.func.value  # `user.encode()`: the same text as bytes
            elif value.func.attr == "join" and len(value.args) == 1:
                value = value.args[0]
            else:
                continue
        while isinstance(value, ast.Subscript | ast.Attribute):
            value = value.value  # `kwargs["client_id"]`, `options.address`: a part of one
        if isinstance(value, ast.Name) and value.id in parameters:
            found.append(piece.node)  # type: ignore[arg-type]
    return found


def _written(
    context: ModuleContext, node: ast.expr, function: ast.AST, words: tuple[str, ...]
) -> bool:
    """Whether the line goes to a call named with one of `words` that writes or sends it:
    directly, or through the one local name it is assigned to."""
    held = context.parent(node)
    targets = held.targets if isinstance(held, ast.Assign) else []
    names = {t.id for t in targets if isinstance(t, ast.Name)}
    for call in ast.walk(function):
        if not isinstance(call, ast.Call):
            continue
        func = call.func
        callee = (func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")).lower()
        if not any(word in callee for word in words):
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
    summary="A client of a line-based protocol (SMTP, FTP, IMAP, POP3, IRC, memcached, a "
    "management socket) writes a command line from its caller's values without refusing "
    "carriage returns and line feeds.",
    fix="Refuse control characters in every argument before writing the line "
    '(`if re.search(rb"[\\x00-\\x1f\\x7f]", arg): raise ValueError(...)`), as '
    "aiosmtplib does since CVE-2026-53533 and `ftplib.putline` does.",
    what_it_does="Reports a line built by `+`, `%`, `format`, an f-string or `join` that ends "
    "in `\\r\\n`, starts with a command verb (`MAIL FROM:<`, `USER `, `set `) or is only "
    'words joined by spaces (`b" ".join(args)`), splices a parameter of the function (or a '
    "part of one, `kwargs['id']`), and is written by that function (`write`, `send`, "
    "`sendall`, `push`); a line ending in a bare `\\n` when a call named for sending writes "
    "it (`send_command`). Not where a pattern constant of the module names CR/LF, nor where "
    "the function, or a function of the module it calls, refuses or removes them. Header "
    "lines are `unchecked-header-line`'s.",
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
    text_words=("\\n",),
)
def unchecked_command_line(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report a command line built from a caller's values that may carry line breaks."""
    if not is_string_assembly(node):
        return
    assert isinstance(node, ast.expr)
    function = context.enclosing_function(node)
    if function is None or is_part_of_larger_string(context, node):
        return
    pieces = line_pieces(context, node)
    end = _line_end(pieces)
    if end is None or not _is_command_line(pieces, end) or _refused(context, function):
        return
    values = _caller_values(function, pieces)
    words = _WRITING_WORDS if end == "\r\n" else _SENDING_WORDS
    if not values or not _written(context, node, function, words):
        return
    shown = code(context, values[0], 40)
    yield Hit(
        node=node,
        message=f"`{shown}`, the caller's value, is written into the command line "
        f"`{code(context, node, 50)}` as it is: nothing in this module refuses CR/LF, so a "
        "value holding `\\r\\n` ends the command and starts another the server obeys.",
        confidence=Confidence.LOW if _is_private(function.name) else None,
        evidence=tuple((value, "the caller's value, written unchecked") for value in values),
    )
