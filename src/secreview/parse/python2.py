"""Python 2 forms tree-sitter's grammar does not model, read as the Python 3 they mean.

tree-sitter parses `print x`, `0600` or `except E, e:` itself, and the converters turn them into
Python 3 nodes. Two forms it cannot parse are read here from their text instead: the code between
backticks (`` `x` `` is `repr(x)`, which tree-sitter keeps as a string token) and an `exec`
statement whose code is an expression (`exec "x = " + y in ns`; the grammar allows only a name or
a string). The text is parsed with the host `ast.parse`, never run, and every node is moved to
where it sits in the file, so findings point at the real line.
"""

from __future__ import annotations

import ast


def parse_embedded_expression(text: str, row: int, column: int) -> ast.expr | None:
    """The expression in `text`, located as if `text` started at (0-based `row`, `column`).

    None when the host parser rejects it (Python 2 syntax nested in it, a real error). The
    text is wrapped in parentheses so that it may span lines; the closing one goes on a line of
    its own, after any comment.
    """
    try:
        value = ast.parse(f"({text}\n)", mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    for node in ast.walk(value):
        for prefix in ("", "end_"):
            line = getattr(node, f"{prefix}lineno", None)
            if line is None:
                continue
            if line == 1:  # `column - 1`: the parenthesis added before the text
                offset = getattr(node, f"{prefix}col_offset")
                setattr(node, f"{prefix}col_offset", offset + column - 1)
            setattr(node, f"{prefix}lineno", line + row)
    return value


def exec_arguments(value: ast.expr) -> list[ast.expr]:
    """The arguments of Python 2's `exec code in globals, locals`, read as one expression.

    As an expression the statement's text parses as `(code in globals), locals`: the last `in`
    of the comparison separates the code from its namespaces.
    """
    namespaces: list[ast.expr] = []
    if isinstance(value, ast.Tuple) and len(value.elts) == 2:
        first, local_names = value.elts
        if _ends_with_in(first):
            value, namespaces = first, [local_names]
    if not _ends_with_in(value):
        return [value]
    assert isinstance(value, ast.Compare)
    global_names = value.comparators[-1]
    if len(value.ops) == 1:
        code = value.left
    else:
        code = ast.Compare(value.left, value.ops[:-1], value.comparators[:-1])
        ast.copy_location(code, value.left)
        last = value.comparators[-2]
        code.end_lineno, code.end_col_offset = last.end_lineno, last.end_col_offset
    return [code, global_names, *namespaces]


def _ends_with_in(value: ast.expr) -> bool:
    return isinstance(value, ast.Compare) and isinstance(value.ops[-1], ast.In)
