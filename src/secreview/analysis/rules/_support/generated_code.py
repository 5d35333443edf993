"""Code text a program writes itself: fixed Python fragments with a few values inserted.

Template compilers, signature stubs and benchmark drivers build the code they `exec` from
constant text around identifiers (`"def %s(%s):\\n" % (name, args)`,
`TEMPLATE.format(fun_name=name)`). Whether that is a defect depends on the inserted values only,
so a rule that finds such a call names them instead of the whole text. The shapes recognised
are plain: `.format` and `%` on a constant string, f-strings and `+` with constant parts, through
local variables of the same function. A constant part must hold some code (not only blanks);
text that is nothing but an inserted value is not "generated".
"""

from __future__ import annotations

import ast
import re
import string

from secreview.analysis.rules._support.local_bindings import MAX_DEPTH, bindings_before
from secreview.index.context import ModuleContext

_PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[-#0 +]*[\d*]*(?:\.[\d*]+)?[a-zA-Z%]")


def inserted_values(
    context: ModuleContext, expr: ast.expr, depth: int = 0
) -> list[ast.expr] | None:
    """The values inserted into code text that `expr` builds from constant fragments, in source
    order; None when `expr` is not such text (or any binding of a local it uses is not)."""
    if depth > MAX_DEPTH:
        return None
    match expr:
        case ast.Name():
            return _name_inserts(context, expr, depth)
        case ast.Call(func=ast.Attribute(attr="format", value=template)):
            text = context.constant_value(template)
            if not isinstance(text, str) or not _format_has_code(text):
                return None
            return [*expr.args, *(keyword.value for keyword in expr.keywords)]
        case ast.BinOp(op=ast.Mod(), left=template, right=values):
            text = context.constant_value(template)
            if not isinstance(text, str) or not _has_code(_PERCENT_FIELD.sub("", text)):
                return None
            return list(values.elts) if isinstance(values, ast.Tuple) else [values]
        case ast.JoinedStr(values=parts):
            fixed = "".join(str(p.value) for p in parts if isinstance(p, ast.Constant))
            if not _has_code(fixed):
                return None
            return [p.value for p in parts if isinstance(p, ast.FormattedValue)]
        case ast.BinOp(op=ast.Add()):
            return _concatenation_inserts(context, expr, depth)
    return None


def _name_inserts(context: ModuleContext, name: ast.Name, depth: int) -> list[ast.expr] | None:
    """A local whose every binding before this use is generated code text."""
    bindings = bindings_before(context, name)
    if bindings is None:
        constant = context.module_constants.get(name.id)
        return None if constant is None else inserted_values(context, constant, depth + 1)
    if not bindings:
        return None
    found: list[ast.expr] = []
    for binding in bindings:
        if binding.value is None or binding.augmented_op is not None:
            return None
        inserted = inserted_values(context, binding.value, depth + 1)
        if inserted is None:
            return None
        found.extend(inserted)
    return found


def _concatenation_inserts(
    context: ModuleContext, expr: ast.BinOp, depth: int
) -> list[ast.expr] | None:
    """`"f(" + value + ")"`: at least one constant part holding code; other parts are generated
    text themselves (their values count) or values inserted as they are."""
    parts: list[ast.expr] = []
    pending: list[ast.expr] = [expr]
    while pending:
        part = pending.pop()
        if isinstance(part, ast.BinOp) and isinstance(part.op, ast.Add):
            pending.extend((part.right, part.left))
        else:
            parts.append(part)
    fixed = [context.constant_value(part) for part in parts]
    if not any(isinstance(text, str) and _has_code(text) for text in fixed):
        return None
    found: list[ast.expr] = []
    for part, text in zip(parts, fixed, strict=True):
        if isinstance(text, str | bytes):
            continue
        inner = inserted_values(context, part, depth + 1)
        found.extend([part] if inner is None else inner)
    return found


def _format_has_code(template: str) -> bool:
    try:
        literal = "".join(text for text, *_ in string.Formatter().parse(template))
    except ValueError:
        return False
    return _has_code(literal)


def _has_code(text: str) -> bool:
    """Whether a constant fragment holds more than blanks (code the program wrote)."""
    return bool(text.strip())
