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
