r"""Lines as Python sees them: only `\n` ends a line.

`str.splitlines()` also breaks at form feeds, vertical tabs, `\x1c`-`\x1e`, `\x85`, `\u2028` and
`\u2029`, which Python's tokenizer treats as ordinary characters. Sources are normalised to `\n`
when read, so splitting on `\n` alone gives the lines `ast` and `tokenize` number; every place that
turns source text into lines (snippets, excerpts, suppressions, fingerprints) goes through here so
that line N is always the line the parser called N.
"""

from __future__ import annotations


def source_lines(text: str) -> list[str]:
    r"""The lines of `text` without their endings; a final `\n` does not start another line."""
    if not text:
        return []
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def source_lines_with_ends(text: str) -> list[str]:
    r"""The lines of `text`, each keeping its `\n` (the last one may have none)."""
    pieces = [line + "\n" for line in text.split("\n")]
    pieces[-1] = pieces[-1][:-1]
    return pieces if pieces[-1] else pieces[:-1]


def first_line(text: str) -> str:
    r"""The text up to the first `\n` (all of it when there is none)."""
    return text.partition("\n")[0]


SNIPPET_MAX_LINES = 8
"""A finding's code is shown whole up to this many lines (a call over many lines), then cut."""


def snippet_of(code: str) -> str:
    """The code of a finding as reports show it: a call written over several lines whole (its
    continuation lines dedented together, so they keep their shape under the first line), at
    most `SNIPPET_MAX_LINES` lines."""
    first, _, rest = code.partition("\n")
    if not rest:
        return first
    import textwrap  # here: its import compiles regexes a one-line snippet does not need

    lines = [first, *textwrap.dedent(rest).splitlines()]
    if len(lines) > SNIPPET_MAX_LINES:
        lines = [*lines[: SNIPPET_MAX_LINES - 1], "…"]
    return "\n".join(line.rstrip() for line in lines)


def shown_name(path: str) -> str:
    """`path` as reports print it: undecodable bytes and unprintable characters escaped.

    A name with an undecodable byte, a newline, an escape sequence or a right-to-left override
    would otherwise break JSON and SARIF (which must be valid UTF-8) or mislead a terminal.
    """
    if path.isprintable():
        return path
    return "".join(_escaped(char) for char in path)


def printable(text: str) -> str:
    """`text` with every unprintable character but the tab escaped, as `shown_name` escapes them.

    Reports quote what the reviewed code and repository chose (names, code, commit messages):
    an escape sequence or a line break there must not rewrite the terminal or forge report lines.
    """
    if all(c.isprintable() or c == "\t" for c in text):
        return text
    return "".join(c if c == "\t" else _escaped(c) for c in text)


def _escaped(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte, as os.fsdecode carries it
        return f"\\x{code - 0xDC00:02x}"
    return char if char.isprintable() else repr(char)[1:-1]
