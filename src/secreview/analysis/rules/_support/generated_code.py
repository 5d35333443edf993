"""Code text a program writes itself: fixed Python fragments with a few values inserted.

Template compilers, signature stubs and benchmark drivers build the code they `exec` from
constant text around identifiers (`"def %s(%s):\\n" % (name, args)`,
`TEMPLATE.format(fun_name=name)`). Whether that is a defect depends on the inserted values only,
so a rule that finds such a call names them instead of the whole text. The shapes recognised
are plain: `.format` and `%` on a constant string, f-strings and `+` with constant parts, through
local variables of the same function. The fixed part must hold a word of code (a name or keyword,
in a constant or an identifier of the program's own such as `klass.__name__`): text that only
wraps a value in punctuation (`"(" + text + ")"`) runs that value as it is, so is not "generated".
"""

from __future__ import annotations

import ast
import re
import string

from secreview.analysis.rules._support.data_origin import is_program_made
from secreview.analysis.rules._support.local_bindings import MAX_DEPTH, bindings_before
from secreview.index.context import ModuleContext

_WORD = re.compile(r"[A-Za-z_]")
_PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[-#0 +]*[\d*]*(?:\.[\d*]+)?[a-zA-Z%]")

_Pieces = tuple[str, list[ast.expr]]
"""The fixed text of generated code (fragments joined) and the values inserted into it."""


def inserted_values(context: ModuleContext, expr: ast.expr) -> list[ast.expr] | None:
    """The values inserted into code text that `expr` generates around a word of code, in source
    order; None when `expr` is not such text (or a local it uses may not be)."""
    pieces = _pieces(context, expr, 0)
    if pieces is None:
        return None
    fixed, inserted = pieces
    own_words = (context.segment(value) for value in inserted if is_program_made(context, value))
    if _WORD.search(fixed) or any(_WORD.search(word) for word in own_words):
        return inserted
    return None


def _pieces(context: ModuleContext, expr: ast.expr, depth: int) -> _Pieces | None:
    if depth > MAX_DEPTH:
        return None
    match expr:
        case ast.Name():
            return _name_pieces(context, expr, depth)
        case ast.Call(func=ast.Attribute(attr="format", value=template)):
            text = context.constant_value(template)
            if not isinstance(text, str):
                return None
            try:
                fixed = "".join(literal for literal, *_ in string.Formatter().parse(text))
            except ValueError:
                return None
            return fixed, [*expr.args, *(keyword.value for keyword in expr.keywords)]
        case ast.BinOp(op=ast.Mod(), left=template, right=values):
            text = context.constant_value(template)
            if not isinstance(text, str):
                return None
            inserted = list(values.elts) if isinstance(values, ast.Tuple) else [values]
            return _PERCENT_FIELD.sub("", text), inserted
        case ast.JoinedStr(values=parts):
            fixed = "".join(str(p.value) for p in parts if isinstance(p, ast.Constant))
            return fixed, [p.value for p in parts if isinstance(p, ast.FormattedValue)]
        case ast.BinOp(op=ast.Add()):
            return _concatenation_pieces(context, expr, depth)
    return None


def _name_pieces(context: ModuleContext, name: ast.Name, depth: int) -> _Pieces | None:
    """A local whose every binding before this use is generated code text."""
    bindings = bindings_before(context, name)
    if bindings is None:
        constant = context.module_constants.get(name.id)
        return None if constant is None else _pieces(context, constant, depth + 1)
    if not bindings:
        return None
    fixed, inserted = "", []
    for binding in bindings:
        if binding.value is None or binding.augmented_op is not None:
            return None
        pieces = _pieces(context, binding.value, depth + 1)
        if pieces is None:
            return None
        fixed += pieces[0]
        inserted.extend(pieces[1])
    return fixed, inserted


def _concatenation_pieces(context: ModuleContext, expr: ast.BinOp, depth: int) -> _Pieces | None:
    """`"f(" + value + ")"`: at least one constant part; other parts are generated text
    themselves (their fragments and values count) or values inserted as they are."""
    parts: list[ast.expr] = []
    pending: list[ast.expr] = [expr]
    while pending:
        part = pending.pop()
        if isinstance(part, ast.BinOp) and isinstance(part.op, ast.Add):
            pending.extend((part.right, part.left))
        else:
            parts.append(part)
    fixed, inserted, any_constant = "", [], False
    for part in parts:
        text = context.constant_value(part)
        if isinstance(text, str):
            fixed, any_constant = fixed + text, True
            continue
        pieces = _pieces(context, part, depth + 1)
        if pieces is None:
            inserted.append(part)
        else:
            fixed += pieces[0]
            inserted.extend(pieces[1])
    return (fixed, inserted) if any_constant else None
