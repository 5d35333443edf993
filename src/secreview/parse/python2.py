"""Python 2 (and pre-3.7) forms tree-sitter's grammar does not model, read as what they mean.

tree-sitter parses `print x`, `0600` or `except E, e:` itself, and the converters turn them into
Python 3 nodes. Two forms it cannot parse are read here from their text instead: the code between
backticks (`` `x` `` is `repr(x)`, which tree-sitter keeps as a string token) and an `exec`
statement whose code is an expression (`exec "x = " + y in ns`; the grammar allows only a name or
a string). The text is parsed with the host `ast.parse`, never run, and every node is moved to
where it sits in the file, so findings point at the real line. Before Python 3.7 `async` and
`await` were ordinary names (`self.async`); such attributes are renamed for tree-sitter.
"""

from __future__ import annotations

import ast
import io
import tokenize


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

    As an expression the statement's text parses as `(code in globals), locals`. Python 2's
    grammar allows no comparison in the code itself, so the first `in` ends it.
    """
    namespaces: list[ast.expr] = []
    if isinstance(value, ast.Tuple) and len(value.elts) == 2:
        first, local_names = value.elts
        if _starting_with_in(first) is not None:
            value, namespaces = first, [local_names]
    comparison = _starting_with_in(value)
    if comparison is None:
        return [value]
    global_names = comparison.comparators[0]
    if len(comparison.ops) > 1:
        rest = ast.Compare(global_names, comparison.ops[1:], comparison.comparators[1:])
        global_names = ast.copy_location(rest, global_names)
        last = comparison.comparators[-1]
        global_names.end_lineno, global_names.end_col_offset = last.end_lineno, last.end_col_offset
    return [comparison.left, global_names, *namespaces]


def _starting_with_in(value: ast.expr) -> ast.Compare | None:
    if isinstance(value, ast.Compare) and isinstance(value.ops[0], ast.In):
        return value
    return None


# Same length as the keyword each stands for, so no position moves; never used when it already
# occurs in the text, so every one in the tree comes from the renaming.
_OLD_KEYWORD_STAND_INS = {"async": "a5ync", "await": "a5ait"}


def rename_old_keyword_attributes(text: str) -> tuple[str, list[int]]:
    """`obj.async` (an ordinary name before Python 3.7) renamed so tree-sitter reads it.

    tree-sitter treats `async` and `await` as keywords everywhere, and `self.async` becomes an
    ERROR region. Each attribute token is replaced by a same-length stand-in, restored by
    `restore_old_keyword_attributes`; returns the text and the lines renamed. Read with the
    standard tokenizer, so strings and comments are never touched; text it cannot tokenize is
    returned unchanged.
    """
    if ".async" not in text and ".await" not in text:
        return text, []
    if any(stand_in in text for stand_in in _OLD_KEYWORD_STAND_INS.values()):
        return text, []
    lines = text.split("\n")  # the tokenizer's rows: the caller has made every line end \n
    renamed: list[int] = []
    previous = ""
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            name = token.string
            if token.type == tokenize.NAME and previous == "." and name in _OLD_KEYWORD_STAND_INS:
                row, column = token.start
                line = lines[row - 1]
                stand_in = _OLD_KEYWORD_STAND_INS[name]
                lines[row - 1] = line[:column] + stand_in + line[column + len(stand_in) :]
                renamed.append(row)
            if token.type not in (tokenize.NL, tokenize.COMMENT):
                previous = name
    except (tokenize.TokenError, SyntaxError):
        return text, []
    return ("\n".join(lines), renamed) if renamed else (text, [])


def restore_old_keyword_attributes(tree: ast.AST) -> None:
    """Give the attributes renamed by `rename_old_keyword_attributes` their own names back."""
    names = {stand_in: keyword for keyword, stand_in in _OLD_KEYWORD_STAND_INS.items()}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in names:
            node.attr = names[node.attr]
