"""The token tables of Pygments lexers: patterns compiled by the library, not by the module.

A `RegexLexer` subclass writes its grammar as a class attribute, `tokens = {"root": [(PATTERN,
Token), ...]}`, and Pygments compiles every row (with the class's `flags`, `re.MULTILINE` when it
sets none) and tries them at each position of the text being highlighted, which is whatever a
user pasted. No `re` call of the module shows these patterns, so they are read here from the
table itself, where they are written.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from secreview.index.context import ModuleContext

DEFAULT_FLAGS = re.MULTILINE
"""`RegexLexer.flags` when the class sets none."""


def lexer_patterns(cls: ast.ClassDef, context: ModuleContext) -> Iterator[tuple[ast.expr, str]]:
    """The constant pattern of every row of the `tokens` table of a Pygments regex lexer (a
    class whose base is `RegexLexer`, `ExtendedRegexLexer` or another `...Lexer`, in a module
    importing Pygments)."""
    if not context.imports_any(("pygments",)):
        return
    bases = [context.resolve(b) or context.one_line(b) for b in cls.bases]
    if not any(name.endswith("Lexer") for name in bases):
        return
    for statement in cls.body:
        if not (
            isinstance(statement, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "tokens" for t in statement.targets)
            and isinstance(statement.value, ast.Dict)
        ):
            continue
        for state in statement.value.values:
            rows = state.elts if isinstance(state, ast.List | ast.Tuple) else []
            for row in rows:
                if isinstance(row, ast.Tuple) and row.elts:
                    text = context.constant_value(row.elts[0])
                    if isinstance(text, str):
                        yield row.elts[0], text


def lexer_flags(cls: ast.ClassDef) -> ast.expr | None:
    """The class's own `flags = ...` expression; None when it sets none (then Pygments uses
    `re.MULTILINE`, `DEFAULT_FLAGS`)."""
    for statement in cls.body:
        if isinstance(statement, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "flags" for t in statement.targets
        ):
            return statement.value
    return None
