"""SQL's own quoting of identifiers, written out: the closing delimiter doubled inside them.

`'"' + name.replace('"', '""') + '"'` is how SQL-92 quotes an identifier (`` ` `` MySQL's,
`[`...`]` SQL Server's): inside the delimiters only the closing one ends the text, and every
closing delimiter the input holds is doubled, which SQL reads back as that character. Whatever
the input, it stays one identifier, so the result is safe in a statement (petl's
`_quote(tablename)` before `INSERT INTO %s`). A string literal quoted the same way (`'` doubled)
is not: MySQL reads a backslash in it as an escape, so `\'` doubled to `\''` ends the literal
and the rest is SQL. The same is written as a template, `'DROP TABLE "%s"' %
name.replace('"', '""')`, or as an f-string, `` f"`{name.replace('`', '``')}`" `` (Archery's
engines' `_quote_identifier`, whose return a summary carries to the caller). The engine reads
the delimiters and the replacement off the code, never the helper's name; replacing any other
character, or text outside the delimiters, is not quoting.
"""

from __future__ import annotations

import ast

from secreview.analysis.taint.escapers import Resolver, written_text
from secreview.analysis.taint.values import Value
from secreview.index.context import ModuleContext

_CLOSING = {'"': '"', "`": "`", "[": "]"}
"""SQL's opening identifier delimiters and the one that closes each."""
_SQL = frozenset({"sql"})
_NOTE = "quoted as SQL quotes: the closing delimiter doubled inside it"


MYSQL_DRIVERS = ("pymysql", "MySQLdb", "mysql.connector", "aiomysql", "asyncmy", "mysqlx")
"""Beside these, `"..."` is a string, where a backslash escapes the quote after it (`\\"` then
`"` closes it): doubling double quotes does not keep a name inside."""


def quoted_identifier(
    node: ast.BinOp | ast.JoinedStr, value: Value, context: ModuleContext
) -> Value:
    """`value` (what `node` builds) as safe in SQL when `node` quotes an escaped text between
    fixed delimiters (see the module docstring; double quotes not in a module that imports a
    MySQL driver); unchanged otherwise."""
    escaped = _quoted_part(node, context.constant_value)
    if escaped is not None and _delimiter(escaped) == '"' and context.imports_any(MYSQL_DRIVERS):
        return value
    if escaped is None or not value.all_flows():
        return value
    return value.mapped(lambda f: f.then(escaped, _NOTE).sanitised(_SQL))


def _quoted_part(node: ast.BinOp | ast.JoinedStr, resolve: Resolver) -> ast.Call | None:
    """The doubling `replace` call `node` puts between delimiters, with nothing else variable
    in `node`: `O + x.replace(C, CC) + C...`, `"...O%sC..." % x.replace(C, CC)`, or
    `f"...O{x.replace(C, CC)}C..."`."""
    if isinstance(node, ast.JoinedStr):
        return _fstring_part(node, resolve)
    if isinstance(node.op, ast.Mod):
        if not _replaces(node.right):
            return None
        template = resolve(node.left)
        if not isinstance(template, str) or template.count("%") != 1:
            return None
        before, _, after = template.partition("%s")
        return _doubling(node.right, before[-1:], after[:1], resolve)
    if not (isinstance(node.op, ast.Add) and isinstance(node.left, ast.BinOp)):
        return None
    inner = node.left
    if not (isinstance(inner.op, ast.Add) and _replaces(inner.right)):
        return None
    after = written_text(node.right, resolve)
    before = written_text(inner.left, resolve)
    if before is None or after is None:
        return None
    return _doubling(inner.right, before[-1:], after[:1], resolve)


def _fstring_part(node: ast.JoinedStr, resolve: Resolver) -> ast.Call | None:
    """The doubling `replace` call of `f"...O{x.replace(C, CC)}C..."`: the f-string's one
    formatted value, written as it is (no conversion, no format), between constant text."""
    pieces = node.values
    formatted = [i for i, piece in enumerate(pieces) if isinstance(piece, ast.FormattedValue)]
    if len(formatted) != 1 or not 0 < formatted[0] < len(pieces) - 1:
        return None
    index = formatted[0]
    value, before, after = pieces[index], pieces[index - 1], pieces[index + 1]
    if not (
        isinstance(value, ast.FormattedValue)
        and value.conversion == -1
        and value.format_spec is None
        and _replaces(value.value)
        and isinstance(before, ast.Constant)
        and isinstance(after, ast.Constant)
    ):
        return None
    return _doubling(value.value, str(before.value)[-1:], str(after.value)[:1], resolve)


def _doubling(node: ast.expr, opening: str, closing: str, resolve: Resolver) -> ast.Call | None:
    """`node` if it is `x.replace(C, CC)` for the delimiters `opening` ... `closing`."""
    if _CLOSING.get(opening) != closing or not closing or not isinstance(node, ast.Call):
        return None
    old, new = (resolve(argument) for argument in node.args)
    return node if old == closing and new == closing * 2 else None


def _replaces(node: ast.expr) -> bool:
    """Whether `node` is a `x.replace(old, new)` call (checked first: no constant is resolved
    for the other operators' operands)."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "replace"
        and len(node.args) == 2
        and not node.keywords
    )


def _delimiter(call: ast.Call) -> object:
    """The closing delimiter a doubling `replace` call doubles (its first argument)."""
    first = call.args[0]
    return first.value if isinstance(first, ast.Constant) else None
