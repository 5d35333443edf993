"""What a function's docstring says one of its parameters is.

A parameter's name does not always say what it holds (`match=''` in `staticdir(...)` is a
regular expression), but its documentation does, in one of the usual layouts:

- reStructuredText fields: `:param match: a regular expression ...`
- Google style, under `Args:`: `match (str): a regular expression ...` or `match: ...`
- NumPy style (or a plain block): the name alone on a line (`match` or `match : str`), its
  description on the more indented lines below.

Only the description of that parameter is read, with one exception: the parameter's name
marked up as one (`*marker*`, ``` ``marker`` ```) right next to the words, as an appositive
("lines that match the *marker* regular expression", "the regular expression `pattern`"), says
the same in prose. A summary that only mentions the words near a plain name ("search text for
the regular expression made of needle") makes no parameter a pattern.
"""

from __future__ import annotations

import ast
import re

from secreview.patterns import lazy_pattern

_FIELD = lazy_pattern(r"^\s*:param\s+(?:[^:]*\s)?(?P<name>\w+)\s*:(?P<rest>.*)$")
_HEADER = lazy_pattern(r"^\s*\*{0,2}(?P<name>\w+)\*{0,2}\s*(?P<rest>.*)$")
_TYPED = lazy_pattern(r"^\([^)]*\)\s*:")


def parameter_description(function: ast.AST, name: str) -> str:
    """The text `function`'s docstring gives to describe its parameter `name` ('' if none)."""
    if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        return ""
    docstring = ast.get_docstring(function, clean=True) or ""
    lines = docstring.splitlines()
    for number, line in enumerate(lines):
        field = _FIELD.match(line)
        if field and field["name"] == name:
            return " ".join([field["rest"], *_indented_after(lines, number, _indent(line))])
        header = _HEADER.match(line)
        if header and header["name"] == name and _is_header(line, name):
            return " ".join([header["rest"], *_indented_after(lines, number, _indent(line))])
    return ""


def described_as(function: ast.AST, name: str, words: re.Pattern[str]) -> bool:
    """Whether the docstring's description of parameter `name` matches `words`, or the
    docstring puts the marked-up name right before or after them (see the module docstring)."""
    if words.search(parameter_description(function, name)):
        return True
    if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        return False
    docstring = " ".join((ast.get_docstring(function, clean=True) or "").split())
    for marked in re.finditer(rf"(?<![\w*`])[*`]{{1,2}}{re.escape(name)}[*`]{{1,2}}", docstring):
        after = docstring[marked.end() :].lstrip()
        before = docstring[: marked.start()].rstrip()
        if words.match(after) or any(w.end() == len(before) for w in words.finditer(before)):
            return True
    return False


def _is_header(line: str, name: str) -> bool:
    """Whether `line` opens a parameter's entry: the name first, then nothing, a colon, or a
    type in parentheses and a colon (`match`, `match : str`, `match: ...`, `match (str): ...`);
    prose that starts with the name (`match (if any) is ...`) does not."""
    rest = line.strip().strip("*")[len(name) :].lstrip("*").strip()
    return not rest or rest.startswith(":") or bool(_TYPED.match(rest))


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _indented_after(lines: list[str], number: int, indent: int) -> list[str]:
    """The lines after `number` indented deeper than `indent`, up to the first that is not."""
    found = []
    for line in lines[number + 1 :]:
        if line.strip() and _indent(line) <= indent:
            break
        found.append(line.strip())
    return found
