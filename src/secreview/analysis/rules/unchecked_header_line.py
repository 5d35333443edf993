"""CWE-113: an HTTP header line written as text from values nothing checked for CR/LF.

Servers, gateways and hand-written HTTP clients serialise headers themselves: gunicorn's
`"%s: %s\\r\\n" % (k, v)` for every header the WSGI application passed to `start_response`,
uvicorn's `content.extend([name, b": ", value, b"\\r\\n"])` for every header the ASGI application
sent. The application often copies request data into a header (a redirect's `Location`, a file
name in `Content-Disposition`); a `\\r\\n` in it then ends the header and starts another, or the
body (response splitting). The fix is a refusal of control characters in names and values
(gunicorn's and uvicorn's `HEADER_VALUE_RE = [\\x00-\\x1F\\x7F]` checks, Bottle's `_hval`).

Reported: a string built as `NAME: VALUE\\r\\n` (by `%`, `+`, `str.format`, an f-string, a `join`
or a list of pieces) in a module that speaks raw HTTP (it spells a status or request line,
`HTTP/1.1`), where both the name and the value are run-time values (a serialiser of whatever
headers it is handed: medium), or the name is fixed and the value is a parameter of the function
writing it (`"Location: %s\\r\\n" % url` in `send_redirect(url)`: low, the caller may have checked).
Not reported where the module refuses line breaks somewhere: a character class of a pattern that
names CR, LF or the control range, a `"\\r" in value` test, a `.replace("\\n", ...)`, an
allow-list match (`HEADER_VALUE_RE.fullmatch(value)`) or a call named for validating headers. Values
formatted as numbers, fixed text and the object's own settings (`"Server: %s" % self.server`)
are not reported.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.built_strings import Piece
from secreview.analysis.rules._support.line_breaks import (
    is_part_of_larger_string,
    is_string_assembly,
    line_pieces,
    refuses_line_breaks,
    text_of,
)
from secreview.analysis.rules._support.quoting import code
from secreview.analysis.rules._support.web_handlers import parameter_names
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext
from secreview.patterns import lazy_pattern

_FIXED_NAME = lazy_pattern(r"(?:^|\n)[A-Za-z][A-Za-z0-9-]*: ?$")
_PERCENT_LINE = lazy_pattern(r"%[sr]: ?%[sr]\r\n")
_SELF_NAMES = frozenset({"self", "cls"})


_LINE_BREAK_SPELLINGS = ("\\r\\n", "\\x0d\\x0a")
"""How a line break is written in a header line the rule can report (escapes, in the source):
a module spelling neither writes no header line by hand."""


def _writes_unchecked_http(context: ModuleContext) -> bool:
    """Whether the module spells a status or request line (`HTTP/1.1 200`) and refuses line
    breaks nowhere: only then can a header line of it go out unchecked. Asked once per module
    that spells a line break (`_LINE_BREAK_SPELLINGS`)."""
    speaks_http = False
    for node in context.nodes:  # the answer is the same in any order: no re-walk of the tree
        if refuses_line_breaks(node):
            return False
        if isinstance(node, ast.Constant):
            text = text_of(node.value)
            speaks_http = speaks_http or (text is not None and "HTTP/" in text)
    return speaks_http


def _starts_line(pieces: list[Piece], index: int) -> bool:
    """Whether the piece at `index` is a run-time value at the start of a line: a header's
    name, not the host before the port of `Host: %s:%s`."""
    if index < 0 or not pieces[index].is_dynamic:
        return False
    return index == 0 or (pieces[index - 1].text or "").endswith("\n")


def _header_line(
    context: ModuleContext, node: ast.expr, pieces: list[Piece]
) -> tuple[ast.expr | None, ast.expr] | None:
    """The run-time name (None when fixed) and value of the first header line built with a
    value that may carry line breaks; None when there is none to report."""
    parameters: frozenset[str] | None = None
    for index, piece in enumerate(pieces):
        if not piece.is_dynamic or index == 0 or index + 1 >= len(pieces):
            continue
        before, after = pieces[index - 1].text, pieces[index + 1].text
        if before is None or after is None or not after.startswith("\r\n"):
            continue
        if before.rstrip(" ") == ":" and _starts_line(pieces, index - 2):
            return pieces[index - 2].node, piece.node  # type: ignore[return-value]
        if _FIXED_NAME.search(before) and isinstance(piece.node, ast.Name):
            if parameters is None:
                function = context.enclosing_function(node)
                named = parameter_names(function) if function is not None else []
                parameters = frozenset(named) - _SELF_NAMES
            if piece.node.id in parameters:
                return None, piece.node
    if isinstance(node, ast.BinOp) and len(pieces) == 2 and pieces[1].is_dynamic:
        template = pieces[0].text  # `"%s: %s\r\n" % header`: one tuple for both slots
        if template is not None and _PERCENT_LINE.search(template):
            return pieces[1].node, pieces[1].node  # type: ignore[return-value]
    return None


def _spells_separator(node: ast.AST) -> bool:
    """Whether the expression itself writes the `:` of a header line, so that a line is reported
    where it is built, not again where the text built earlier is finished (`out + "\r\n"`)."""
    for inner in ast.walk(node):
        text = text_of(inner.value) if isinstance(inner, ast.Constant) else None
        if text is not None and ":" in text:
            return True
    return False


@rule(
    id="unchecked-header-line",
    name="HTTP header line written from values nothing checked for CR/LF",
    cwe=113,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="Code that writes HTTP itself builds a header line (`NAME: VALUE\\r\\n`) from "
    "run-time values without refusing carriage returns and line feeds anywhere in the module.",
    fix="Refuse header names outside the token characters and values holding control "
    'characters before writing them (`if re.search(r"[\\x00-\\x1f\\x7f]", value): raise '
    "ValueError(...)`), as gunicorn and uvicorn do since CVE-2018-1000164 and CVE-2020-7695.",
    what_it_does="In a module that spells a status or request line (`HTTP/1.1`), reports a "
    "header line built by `%`, `+`, `format`, an f-string, `join` or a list of pieces whose name "
    "and value are both run-time values (a serialiser of the headers it is handed), or whose "
    "fixed name is followed by a parameter of the function (low confidence). Nothing is "
    "reported in a module that refuses or removes CR/LF somewhere (a pattern naming them, "
    '`"\\r" in value`, `.replace("\\n", ...)`).',
    why_bad="Applications copy request data into headers and count on the server to keep each "
    "header on its line; a value holding `\\r\\n` adds headers (cookies, a redirect) or ends the "
    "headers and starts a body the attacker wrote (response splitting, cache poisoning; "
    "CWE-113).",
    example='tosend.extend(["%s: %s\\r\\n" % (k, v) for k, v in self.headers])',
    use_instead="for k, v in self.headers:\n"
    '    if re.search(r"[\\x00-\\x1f\\x7f]", v):\n'
    '        raise ValueError("invalid header value")\n'
    'tosend.extend(["%s: %s\\r\\n" % (k, v) for k, v in self.headers])',
    references=(
        "https://cwe.mitre.org/data/definitions/113.html",
        "https://nvd.nist.gov/vuln/detail/CVE-2018-1000164",
        "https://nvd.nist.gov/vuln/detail/CVE-2020-7695",
    ),
    visits=(ast.BinOp, ast.Call, ast.JoinedStr, ast.List, ast.Tuple),
    text_words=_LINE_BREAK_SPELLINGS,
)
def unchecked_header_line(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report a header line built from values that may carry line breaks."""
    if not context.derived(_writes_unchecked_http) or not is_string_assembly(node):
        return
    assert isinstance(node, ast.expr)
    if is_part_of_larger_string(context, node) or not _spells_separator(node):
        return
    found = _header_line(context, node, line_pieces(context, node))
    if found is None:
        return
    name, value = found
    if name is None:
        yield Hit(
            node=node,
            message=f"`{code(context, value, 40)}`, a parameter, is written into a header line "
            "as it is: nothing in this module refuses CR/LF, so a caller's `\\r\\n` adds headers "
            "or splits the response.",
            confidence=Confidence.LOW,
            evidence=((value, "written after the fixed header name"),),
        )
        return
    shown = code(context, value, 40)
    if name is not value:
        shown = f"{code(context, name, 30)}` and `{code(context, value, 30)}"
    yield Hit(
        node=node,
        message=f"Header lines are written from `{shown}` as they are: nothing in this module "
        "refuses CR/LF in header names or values, so a value holding `\\r\\n` (request data an "
        "application copied into a header) adds headers or splits the response.",
        evidence=((value, "the header value, written unchecked"),),
    )
