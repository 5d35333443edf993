"""Code fragments (diff hunks) made parseable: a dangling `elif:` or `except:` gets an opener.

Code-review mode parses hunks, which rarely start at a statement boundary. tree-sitter already
accepts a fragment that starts indented (an extract of a method body), but a branch that starts
the text (`elif x:`, `else:`, `except E:`, `finally:`) has no statement to belong to. One synthetic
line in front of it (`if 1: pass`, `try: pass`, indented like the branch) makes it a complete
statement; after conversion the synthetic statement is replaced by the branch's contents and
every line number is shifted back, so positions refer to the original text. Columns never change.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from secreview.patterns import lazy_pattern

# The indentation and first word of the first line that is neither blank nor a comment.
_FIRST_CODE_LINE = lazy_pattern(r"(?:[ \t\f]*(?:#[^\n]*)?\n)*([ \t\f]*)([A-Za-z_]*)")
_OPENERS = {
    "elif": "if 1: pass",
    "else": "if 1: pass",
    "except": "try: pass",
    "finally": "try: pass",
}


@dataclass(frozen=True, slots=True)
class WrappedText:
    """Text ready for tree-sitter, and how to map its tree back to the original text."""

    text: str
    added_lines: int
    is_fragment: bool  # starts indented or with a dangling branch: not a whole module

    def unwrap(self, tree: ast.Module) -> ast.Module:
        """Replace the synthetic opener with the branch it opened and restore line numbers."""
        body: list[ast.stmt] = []
        for statement in tree.body:
            if statement.lineno > self.added_lines:
                body.append(statement)
            elif isinstance(statement, ast.If):
                body.extend(statement.orelse)
            elif isinstance(statement, ast.Try | ast.TryStar):
                body.extend(s for handler in statement.handlers for s in handler.body)
                body.extend(statement.orelse)
                body.extend(statement.finalbody)
        tree.body = body
        return ast.increment_lineno(tree, -self.added_lines)


def wrap_fragment(text: str) -> WrappedText:
    """Prefix a synthetic opener when the text starts with a branch of a compound statement."""
    match = _FIRST_CODE_LINE.match(text)
    indent, word = (match[1], match[2]) if match else ("", "")
    opener = _OPENERS.get(word)
    if opener is None:
        return WrappedText(text, 0, bool(indent))
    return WrappedText(f"{indent}{opener}\n{text}", 1, True)
