"""Lines of a text protocol written by hand, and the checks that keep CR/LF out of them.

HTTP header lines (`unchecked-header-line`) and the command lines of SMTP, FTP, IMAP, POP3,
IRC or memcached (`unchecked-command-line`) end in `\\r\\n`: a value holding one ends its line
and starts another the peer obeys. Both rules read the line as pieces of fixed text and run-time
values (`line_pieces`), judge the whole expression once (`is_part_of_larger_string`), and stay
quiet in a module that refuses or removes line breaks somewhere (`refuses_line_breaks`): a
pattern constant whose character class names CR, LF or the control range (the usual fix,
`re.compile(rb"[\\x00-\\x1f\\x7f]")`), a `"\\r" in value` test, a `.replace("\\n", ...)`, an
allow-list match (`fullmatch`) or a call named for checking headers or commands.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.built_strings import Piece, string_pieces
from secreview.index.context import ModuleContext
from secreview.patterns import lazy_pattern

_LINE_BREAK_ESCAPES = ("\\r", "\\n", "\\x0d", "\\x0a", "\\x00-", "\\x01-", "\\0-", "\\015", "\\012")

_CHECK_WORDS = ("valid", "check", "verify", "match", "search")
"""Words of a call that checks header text, beside `header` (`HEADER_VALUE_RE.search(v)`,
`_validate_response_headers(extra)`); a token check (`verify_token`) says nothing of headers."""
_CHECKED_THINGS = ("header", "command", "crlf", "newline")
"""What such a call names as the text it checks: a header, a protocol command, line breaks."""
_PATTERN_WORDS = frozenset({"re", "rx", "regex"})
"""Whole words naming a compiled pattern (`_HEADER_RE`, `HEADER_RX`): a word, never a piece of
one, since `_re` is also the start of `_response`, `_request` and `_read`
(`set_headers_for_response_content` names a response and checks nothing)."""
_CHARACTER_CLASS = lazy_pattern(r"\[(?:\\.|[^\]\\])*\]")


def text_of(value: object) -> str | None:
    """A string or bytes constant as text (bytes read as Latin-1), else None."""
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return value if isinstance(value, str) else None


def names_line_breaks(text: str) -> bool:
    """Whether a constant holds a character class naming CR, LF or the control range: the
    pattern of a check that refuses them (`[\\x00-\\x1F\\x7F]`, `r"[\\r\\n]"`)."""
    if "[" not in text:
        return False
    for found in _CHARACTER_CLASS.finditer(text):
        inside = found.group().lower()
        if any(c in inside for c in "\r\n\x00") or any(e in inside for e in _LINE_BREAK_ESCAPES):
            return True
    return False


def has_line_break(node: ast.AST) -> bool:
    """Whether `node` is a string or bytes constant holding CR or LF."""
    text = text_of(node.value) if isinstance(node, ast.Constant) else None
    return text is not None and ("\r" in text or "\n" in text)


def _validates_line_text(call: ast.Call) -> bool:
    """A call that checks text against an allow-list (`TOKEN_RE.fullmatch(name)`,
    `re.fullmatch(...)`), or whose name says it checks headers (`_validate_response_headers(
    extra)`, `HEADER_RE.search(name)`)."""
    words = ".".join(
        n.attr if isinstance(n, ast.Attribute) else n.id
        for n in ast.walk(call.func)
        if isinstance(n, ast.Attribute | ast.Name)
    ).lower()
    if words.endswith("fullmatch"):
        return True
    if not any(thing in words for thing in _CHECKED_THINGS):
        return False
    return any(w in words for w in _CHECK_WORDS) or bool(
        _PATTERN_WORDS.intersection(words.replace(".", "_").split("_"))
    )


def refuses_line_breaks(node: ast.AST) -> bool:
    """One refusal or removal of line breaks: `"\\r" in v`, `v.replace("\\n", "")`, a
    validation of header text, or a pattern constant whose character class names them."""
    if isinstance(node, ast.Compare):
        return has_line_break(node.left) and isinstance(node.ops[0], ast.In | ast.NotIn)
    if isinstance(node, ast.Call):
        if _validates_line_text(node):
            return True
        replaces = isinstance(node.func, ast.Attribute) and node.func.attr == "replace"
        return replaces and bool(node.args) and has_line_break(node.args[0])
    text = text_of(node.value) if isinstance(node, ast.Constant) else None
    return text is not None and names_line_breaks(text)


def is_part_of_larger_string(context: ModuleContext, node: ast.expr) -> bool:
    """Whether `node` is a piece of a string expression around it, which is judged whole."""
    parent = context.parent(node)
    if isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Add):
        return True
    if isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Mod):
        return parent.left is node
    if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Attribute):
        return parent.func.attr == "join" and node in parent.args
    return isinstance(parent, ast.FormattedValue | ast.JoinedStr)


def line_pieces(context: ModuleContext, node: ast.expr) -> list[Piece]:
    """The pieces of a string expression or of a list of string pieces, fixed texts merged."""
    if isinstance(node, ast.List | ast.Tuple):
        raw = [p for element in node.elts for p in string_pieces(context, element)]
    else:
        raw = string_pieces(context, node)
    merged: list[Piece] = []
    for piece in raw:
        if piece.text == "":
            continue
        if piece.text is not None and merged and merged[-1].text is not None:
            merged[-1] = Piece(text=merged[-1].text + piece.text)
        else:
            merged.append(piece)
    return merged


def is_string_assembly(node: ast.AST) -> bool:
    """Whether `node` builds text from pieces: `+`, `%`, `format`, `join`, an f-string, or a
    list of pieces holding a line break."""
    if isinstance(node, ast.BinOp):
        return isinstance(node.op, ast.Add | ast.Mod)
    if isinstance(node, ast.Call):
        return isinstance(node.func, ast.Attribute) and node.func.attr in ("format", "join")
    if isinstance(node, ast.List | ast.Tuple):
        return any(isinstance(e, ast.Constant) and has_line_break(e) for e in node.elts)
    return isinstance(node, ast.JoinedStr)
