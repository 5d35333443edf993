"""How deeply a text nests, measured in one linear scan before tree-sitter sees it.

Every Python version refuses more than 100 levels of indentation and 200 of brackets, so text
the host parser rejects may nest arbitrarily deep: `[[[[...` a million times is 2 MB. tree-sitter
parses it, but converting a tree that deep takes seconds and about 500 bytes of memory per
source byte, and every analysis after the parse recurses over the tree. Past `MAX_NESTING`
levels the fallback parser refuses the text instead.

A level is an open bracket (an f-string's `{` included) or an indented block. Comments and
string bodies do not count; f-string replacement fields do, with strings nested in them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from secreview.patterns import lazy_pattern

MAX_NESTING = 500

# In code, the characters that may change the nesting: scanning skips everything else at C speed.
_CODE = lazy_pattern(r"[#'\"()\[\]{}\n\\]")
_OPEN, _CLOSE = frozenset("([{"), frozenset(")]}")
# The end of a plain (non-template) string body, by opening quote; escapes may span lines.
_PLAIN_END = {
    "'": lazy_pattern(r"(?:[^'\\\n]|\\.)*'", re.DOTALL),
    '"': lazy_pattern(r'(?:[^"\\\n]|\\.)*"', re.DOTALL),
    "'''": lazy_pattern(r"(?:[^\\]|\\.)*?'''", re.DOTALL),
    '"""': lazy_pattern(r'(?:[^\\]|\\.)*?"""', re.DOTALL),
}
# In an f-string or t-string body: what can open a field or end the string.
_TEMPLATE = {
    quote: lazy_pattern(
        r"\{\{|\}\}|\\[^{]|(?P<field>\{)|(?P<end>" + quote + ")" + newline, re.DOTALL
    )
    for quote, newline in (
        ("'", r"|(?P<newline>\n)"),
        ('"', r"|(?P<newline>\n)"),
        ("'''", ""),
        ('"""', ""),
    )
}
_INDENT = lazy_pattern(r"[ \t\f]*")
_TAB_SIZE = 8  # as the Python tokenizer counts a tab


class NestedTooDeeplyError(Exception):
    """The text nests deeper than `MAX_NESTING`: the fallback parser does not try to read it."""

    def __init__(self, line: int) -> None:
        super().__init__(
            f"nested more than {MAX_NESTING} levels deep (brackets and indented blocks), "
            "deeper than secreview analyses"
        )
        self.line = line


@dataclass(frozen=True, slots=True)
class Nesting:
    """The deepest nesting found (or the first past the limit) and the line where it is."""

    depth: int
    line: int


def measure_nesting(text: str, limit: int = MAX_NESTING) -> Nesting:
    """The deepest level of brackets plus indentation in `text`; stops once past `limit`.

    Linear in the length of the text, and never recursive: the stack of open brackets and
    f-string fields is a list. Malformed text (unclosed strings, unbalanced brackets) is
    measured as well as it can be, never rejected.
    """
    indents = [0]
    # One entry per open bracket: None, or the quote of the f-string a `{` field belongs to.
    brackets: list[str | None] = []
    deepest, deepest_at = 0, 0
    in_template: str | None = None  # the quote of the f-string whose body is being read
    position = _indentation(text, 0, indents)
    while True:
        if in_template is not None:
            position, in_template = _template_body(text, position, in_template, brackets)
        else:
            match = _CODE.search(text, position)
            if match is None:
                break
            found = match.start()
            character = text[found]
            position = found + 1
            if character in _OPEN:
                brackets.append(None)
            elif character in _CLOSE:
                # The `}` that closes an f-string field goes back into that string's body.
                in_template = brackets.pop() if brackets else None
                continue
            elif character == "\n" and not brackets:
                position = _indentation(text, position, indents)
            elif character == "#":
                end = text.find("\n", found)
                position = len(text) if end < 0 else end
                continue
            elif character == "\\":
                position = found + 2  # a line continuation, or a stray escaped character
                continue
            elif character in "'\"":
                quote = character * 3 if text.startswith(character * 3, found) else character
                position = found + len(quote)
                if _is_template(text, found):
                    in_template = quote
                else:
                    end = _PLAIN_END[quote].match(text, position)
                    position = end.end() if end is not None else _line_end(text, position, quote)
                continue
            else:
                continue
        depth = len(indents) - 1 + len(brackets)
        if depth > deepest:
            deepest, deepest_at = depth, position
            if deepest > limit:
                break
    return Nesting(deepest, text.count("\n", 0, deepest_at) + 1)


def _template_body(
    text: str, position: int, quote: str, brackets: list[str | None]
) -> tuple[int, str | None]:
    """Scan an f-string body from `position`: to its end, or into its next `{` field."""
    pattern = _TEMPLATE[quote]
    while True:
        match = pattern.search(text, position)
        if match is None:
            return len(text), None
        position = match.end()
        if match["field"] is not None:
            brackets.append(quote)
            return position, None
        if match["end"] is not None or match.lastgroup == "newline":
            return position, None


def _is_template(text: str, quote_at: int) -> bool:
    """Whether the string opening at `quote_at` is an f-string or t-string, by its prefix."""
    start = quote_at
    while (
        start > 0 and quote_at - start < 3 and (text[start - 1].isalnum() or text[start - 1] == "_")
    ):
        start -= 1
    prefix = text[start:quote_at].lower()
    return len(prefix) <= 2 and ("f" in prefix or "t" in prefix)


def _line_end(text: str, position: int, quote: str) -> int:
    """Where scanning resumes after an unterminated string: its line's end (or the text's)."""
    if len(quote) == 3:
        return len(text)
    end = text.find("\n", position)
    return len(text) if end < 0 else end


def _indentation(text: str, position: int, indents: list[int]) -> int:
    """Read the indentation of the line at `position` into the stack of open blocks.

    Blank and comment-only lines do not open or close blocks, as in the Python tokenizer;
    a dedent closes every block indented more than the line.
    """
    while True:
        blank = _INDENT.match(text, position)
        assert blank is not None  # the pattern matches the empty string
        after = blank.end()
        if after < len(text) and text[after] == "\n":
            position = after + 1
            continue
        if after >= len(text) or text[after] == "#":
            return after
        break
    width = 0
    for character in blank[0]:
        if character == "\t":
            width = (width // _TAB_SIZE + 1) * _TAB_SIZE
        elif character == "\f":
            width = 0
        else:
            width += 1
    while width < indents[-1]:
        indents.pop()
    if width > indents[-1]:
        indents.append(width)
    return after
