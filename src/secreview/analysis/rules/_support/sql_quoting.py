"""Identifiers a module quotes itself before splicing them into SQL (`formatted-sql-query`).

Inside a quoted identifier only its own quote is special, and a doubled quote is a quote of the
name, so a name with every quote doubled cannot leave the identifier:

* backticks (MySQL, SQLite): `` f"SELECT * FROM `{name.replace('`', '``')}`" ``, the quotes
  written in the SQL around the value (`in_backticks`);
* double quotes (standard SQL: PostgreSQL, SQLite, DuckDB, Oracle): a helper that returns the
  whole quoted name, `def _quote_identifier(name): return '"' + str(name).replace('"', '""') +
  '"'` (`quotes_identifier`). MySQL reads `"..."` as a string, where a backslash escapes the
  quote after it, so a module that imports a MySQL driver gets no such pass.

The helper is a function of this module whose whole body (a docstring aside) returns that shape
of its one parameter; a helper that does anything else is not read.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.built_strings import Piece
from secreview.analysis.rules._support.local_bindings import single_value
from secreview.analysis.taint.quoted_identifiers import MYSQL_DRIVERS
from secreview.index.context import ModuleContext


def _doubles(call: ast.expr, quote: str, parameter: str | None = None) -> bool:
    """`name.replace(quote, quote * 2)`: every `quote` of the text doubled; with `parameter`,
    the text must be that parameter (or `str()` of it)."""
    if not (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "replace"
        and [a.value for a in call.args if isinstance(a, ast.Constant)] == [quote, quote * 2]
    ):
        return False
    if parameter is None:
        return True
    text = call.func.value
    if isinstance(text, ast.Call) and isinstance(text.func, ast.Name) and text.func.id == "str":
        text = text.args[0] if len(text.args) == 1 else text
    return isinstance(text, ast.Name) and text.id == parameter


def _returned_of_helper(context: ModuleContext, expr: ast.expr) -> tuple[ast.expr, str] | None:
    """For a call of a module function of one parameter whose whole body returns one value:
    that value and the parameter's name."""
    if not (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name)):
        return None
    for statement in context.tree.body:
        if isinstance(statement, ast.FunctionDef) and statement.name == expr.func.id:
            body = [
                s
                for s in statement.body
                if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
            ]
            parameters = [a.arg for a in statement.args.args]
            if len(body) != 1 or not isinstance(body[0], ast.Return) or len(parameters) != 1:
                return None
            returned = body[0].value
            return (returned, parameters[0]) if returned is not None else None
    return None


def escapes_backticks(context: ModuleContext, expr: ast.expr) -> bool:
    """Whether `expr` doubles the backticks of a text: `name.replace("`", "``")`, or a call of
    a module function whose whole body returns that of its one parameter
    (`def _escape_id(identifier): return identifier.replace("`", "``")`)."""
    value = single_value(context, expr)
    if _doubles(value, "`"):
        return True
    helper = _returned_of_helper(context, value)
    return helper is not None and _doubles(helper[0], "`", helper[1])


def in_backticks(context: ModuleContext, pieces: list[Piece], index: int) -> bool:
    """Whether the piece at `index` doubles its backticks and sits between two (a MySQL or
    SQLite quoted identifier, `` `{table}` ``)."""
    before = pieces[index - 1].text if index > 0 else None
    after = pieces[index + 1].text if index + 1 < len(pieces) else None
    node = pieces[index].node
    return (
        node is not None
        and (before or "").endswith("`")
        and (after or "").startswith("`")
        and escapes_backticks(context, node)
    )


def _wrapped_in_double_quotes(returned: ast.expr, parameter: str) -> bool:
    """`'"' + p.replace('"', '""') + '"'`, `f'"{p.replace(...)}"'` or `'"%s"' % p.replace(...)`
    (`p` the parameter or `str(p)`)."""
    match returned:
        case ast.BinOp(
            op=ast.Add(),
            left=ast.BinOp(op=ast.Add(), left=ast.Constant(value='"'), right=inner),
            right=ast.Constant(value='"'),
        ):
            return _doubles(inner, '"', parameter)
        case ast.JoinedStr(values=[ast.Constant(value='"'), ast.FormattedValue(value=inner), end]):
            if not (isinstance(end, ast.Constant) and end.value == '"'):
                return False
            return _doubles(inner, '"', parameter)
        case ast.BinOp(op=ast.Mod(), left=ast.Constant(value='"%s"'), right=inner):
            return _doubles(inner, '"', parameter)
    return False


def quotes_identifier(context: ModuleContext, expr: ast.expr) -> bool:
    """Whether `expr` is a call of this module's helper that returns its parameter as a
    double-quoted identifier with every `"` doubled (not in a module that imports a MySQL
    driver, where `"..."` is a string and a backslash escapes)."""
    helper = _returned_of_helper(context, single_value(context, expr))
    return (
        helper is not None
        and _wrapped_in_double_quotes(*helper)
        and not context.imports_any(MYSQL_DRIVERS)
    )
