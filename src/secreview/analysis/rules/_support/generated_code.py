"""Code text a program writes itself: fixed Python fragments with a few values inserted.

Template compilers, signature stubs and benchmark drivers build the code they `exec` from
constant text around identifiers (`"def %s(%s):\\n" % (name, args)`,
`TEMPLATE.format(fun_name=name)`). Whether that is a defect depends on the inserted values only,
so a rule that finds such a call names them instead of the whole text. The shapes recognised
are plain: `.format` and `%` on a constant string, f-strings and `+` with constant parts, through
local variables of the same function. The fixed part must hold a word of code (a name or keyword,
in a constant or an identifier of the program's own such as `klass.__name__`): text that only
wraps a value in punctuation (`"(" + text + ")"`) runs that value as it is, so is not "generated".
A value inserted inside a string literal of the code (`"search('%s')" % query`) is data the code
meant as text, where a quote breaks out (as in SQL): callers keep such text at their usual rating.
"""

from __future__ import annotations

import ast
import string
from typing import NamedTuple

from secreview.analysis.rules._support.data_origin import is_program_made
from secreview.analysis.rules._support.local_bindings import MAX_DEPTH, bindings_before
from secreview.analysis.rules._support.string_parts import added_operands
from secreview.index.context import ModuleContext
from secreview.patterns import lazy_pattern

_WORD = lazy_pattern(r"[A-Za-z_]")
_PERCENT_FIELD = lazy_pattern(r"%(?:\([^)]*\))?[-#0 +]*[\d*]*(?:\.[\d*]+)?[a-zA-Z%]")
_QUOTES = "'\""

_Pieces = list[str | ast.expr]
"""Generated code in order: fixed fragments (str) and the values inserted between them."""


class GeneratedCode(NamedTuple):
    """Code text the program writes around inserted values."""

    inserted: list[ast.expr]
    """Every inserted value, in source order."""
    quoted: list[ast.expr]
    """The inserted values that sit inside a string literal of the code."""


def generated_code(context: ModuleContext, expr: ast.expr) -> GeneratedCode | None:
    """`expr` as code text generated around a word of code, or None when it is not such text
    (or a local it uses may not be)."""
    pieces = _pieces(context, expr, 0)
    if pieces is None:
        return None
    fixed = "".join(p for p in pieces if isinstance(p, str))
    inserted = [p for p in pieces if not isinstance(p, str)]
    own_words = (context.segment(value) for value in inserted if is_program_made(context, value))
    if not (_WORD.search(fixed) or any(_WORD.search(word) for word in own_words)):
        return None
    return GeneratedCode(inserted, _quoted(pieces))


def _quoted(pieces: _Pieces) -> list[ast.expr]:
    """The inserted values that the fixed text before them leaves inside an open quote."""
    open_quote: str | None = None
    quoted: list[ast.expr] = []
    for piece in pieces:
        if not isinstance(piece, str):
            if open_quote is not None:
                quoted.append(piece)
            continue
        escaped = False
        for character in piece:
            if escaped:
                escaped = False
            elif character == "\\" and open_quote is not None:
                escaped = True
            elif open_quote is None and character in _QUOTES:
                open_quote = character
            elif character == open_quote:
                open_quote = None
    return quoted


def _pieces(context: ModuleContext, expr: ast.expr, depth: int) -> _Pieces | None:
    if depth > MAX_DEPTH:
        return None
    match expr:
        case ast.Name():
            return _name_pieces(context, expr, depth)
        case ast.Call(func=ast.Attribute(attr="format", value=template)):
            return _format_pieces(context, template, expr)
        case ast.BinOp(op=ast.Mod(), left=template, right=values):
            text = context.constant_value(template)
            if not isinstance(text, str):
                return None
            inserted = list(values.elts) if isinstance(values, ast.Tuple) else [values]
            fixed = _PERCENT_FIELD.split(text)
            if len(inserted) != len(fixed) - 1:  # `%(name)s` from a dict, or `%%`
                return [*fixed, *inserted]
            pieces: _Pieces = [fixed[0]]
            for value, after in zip(inserted, fixed[1:], strict=True):
                pieces += [value, after]
            return pieces
        case ast.JoinedStr(values=parts):
            return [
                str(p.value) if isinstance(p, ast.Constant) else p.value
                for p in parts
                if isinstance(p, ast.Constant | ast.FormattedValue)
            ]
        case ast.BinOp(op=ast.Add()):
            return _concatenation_pieces(context, expr, depth)
    return None


def _format_pieces(context: ModuleContext, template: ast.expr, call: ast.Call) -> _Pieces | None:
    """`TEMPLATE.format(...)`: each field replaced by the argument it names."""
    text = context.constant_value(template)
    if not isinstance(text, str):
        return None
    keywords = {k.arg: k.value for k in call.keywords if k.arg is not None}
    pieces: _Pieces = []
    automatic = 0
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError:
        return None
    for literal, field, _, _ in fields:
        pieces.append(literal)
        if field is None:
            continue
        key = field.split(".")[0].split("[")[0]
        if key == "":
            key, automatic = str(automatic), automatic + 1
        value = call.args[int(key)] if key.isdigit() and int(key) < len(call.args) else None
        value = keywords.get(key, value)
        if value is None:
            return None  # `**mapping` or a field we cannot match: unknown text
        pieces.append(value)
    return pieces


def _name_pieces(context: ModuleContext, name: ast.Name, depth: int) -> _Pieces | None:
    """A local whose every binding before this use is generated code text."""
    bindings = bindings_before(context, name)
    if bindings is None:
        constant = context.module_constants.get(name.id)
        return None if constant is None else _pieces(context, constant, depth + 1)
    if not bindings:
        return None
    found: _Pieces = []
    for binding in bindings:
        if binding.value is None or binding.augmented_op is not None:
            return None
        pieces = _pieces(context, binding.value, depth + 1)
        if pieces is None:
            return None
        found += pieces
    return found


def _concatenation_pieces(context: ModuleContext, expr: ast.BinOp, depth: int) -> _Pieces | None:
    """`"f(" + value + ")"`: at least one constant part; other parts are generated text
    themselves (their fragments and values count) or values inserted as they are."""
    found: _Pieces = []
    any_constant = False
    for part in added_operands(expr):
        text = context.constant_value(part)
        if isinstance(text, str):
            found.append(text)
            any_constant = True
            continue
        found += _pieces(context, part, depth + 1) or [part]
    return found if any_constant else None
