"""The one place Markdown is written: escaped text, code spans, nested lists and fenced blocks.

Everything quoted in a report (paths, code, messages, commit messages) comes from the reviewed
repository, so it is made inert here: text escapes every ASCII punctuation character CommonMark
could read as syntax (`markdown_it` names that set), a code span's fence outgrows any run of
backticks inside it, a fenced block's fence outgrows any backtick run in its lines, and list
items indent their children by the width of their own marker (`10. ` is four characters, so
from item 10 on children move with it and stay inside the item). Unprintable characters are
escaped (`secreview.text.printable`) before anything else, so a line break in a name cannot
start a new block. Reporters build lists of lines with these functions and join them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it.common.utils import escapeHtml

from secreview.patterns import lazy_pattern
from secreview.text import printable

_BACKTICKS = lazy_pattern(r"`+")
# Inline syntax anywhere (emphasis, code, links, HTML, entities, tables, strikethrough), and
# what GitHub adds: `$` math, `@` mentions, `#` references and headings.
_INLINE_SYNTAX = lazy_pattern(r"([\\`*_\[\]<>&|~$@#])")
# Block syntax at the start of a line: list markers ('-', '+', '1.', '1)'), setext '='.
_BLOCK_START = lazy_pattern(r"^(\d*)([-+=.)])")
_QUOTED = lazy_pattern(r"`([^`]+)`")


def _escaped(value: str) -> str:
    """Inline syntax escaped, whitespace runs collapsed to one space (edges kept)."""
    return _INLINE_SYNTAX.sub(r"\\\1", re.sub(r"[ \t]+", " ", printable(value)))


def text(value: str) -> str:
    """`value` as inline text that renders as itself: syntax characters backslash-escaped, runs
    of spaces and tabs (which could indent a line into a code block) collapsed."""
    return _BLOCK_START.sub(r"\1\\\2", _escaped(value).strip(" "))


def prose(value: str) -> str:
    """secreview's own sentences, which quote code between single backticks: each quoted part
    a code span, the rest escaped text. A backtick left unpaired is escaped like any other."""
    parts: list[str] = []
    position = 0
    for match in _QUOTED.finditer(value):
        parts.extend([_escaped(value[position : match.start()]), code(match[1])])
        position = match.end()
    parts.append(_escaped(value[position:]))
    return _BLOCK_START.sub(r"\1\\\2", "".join(parts).strip(" "))


def code(value: str) -> str:
    """`value` as an inline code span whose content is exactly `value` (printable), or '' when
    empty: the fence is one backtick longer than the longest run inside, and a space pads a
    value that starts or ends with a backtick (CommonMark strips one from each side)."""
    content = printable(value)
    if not content:
        return ""
    longest = max((len(run) for run in _BACKTICKS.findall(content)), default=0)
    fence = "`" * (longest + 1)
    padded = content.startswith("`") or content.endswith("`")
    if content.startswith(" ") and content.endswith(" ") and content.strip(" "):
        padded = True
    pad = " " if padded else ""
    return f"{fence}{pad}{content}{pad}{fence}"


def html_text(value: str) -> str:
    """`value` for the inside of an HTML element (such as `<summary>`)."""
    return escapeHtml(printable(value))


def fenced(lines: Sequence[str], info: str = "") -> list[str]:
    """A fenced code block holding `lines` verbatim (printable), its fence longer than any run
    of backticks in them."""
    content = [printable(line) for line in lines]
    longest = max((len(run) for line in content for run in _BACKTICKS.findall(line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{info}", *content, fence]


def item(marker: str, first: str, children: Sequence[str] = ()) -> list[str]:
    """A list item: `marker` ('-', '1.', '10.') and its first line, then `children` (already
    built lines, possibly blocks) indented to the item's content column, so they stay in it.

    A blank line among the children stays blank (no trailing spaces)."""
    indent = " " * (len(marker) + 1)
    lines = [f"{marker} {first}"]
    lines.extend(f"{indent}{child}" if child else "" for child in children)
    return lines


def heading(level: int, inline: str) -> str:
    """An ATX heading of already-built inline content."""
    return f"{'#' * level} {inline}"


def blockquote(lines: Sequence[str]) -> list[str]:
    """Each line of escaped text quoted; an empty line stays in the quote."""
    return [f"> {text(line)}" if line.strip() else ">" for line in lines]


def strong(inline: str) -> str:
    """Already-built inline content in bold."""
    return f"**{inline}**"


def link(label: str, url: str) -> str:
    """An inline link: the label as escaped text, the URL in angle brackets (our own URLs)."""
    return f"[{text(label)}](<{url}>)"
