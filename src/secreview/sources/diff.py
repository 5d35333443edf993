"""Unified diffs: which files a change touches, which lines it adds, and applying it to text.

Parsing is left to `unidiff` (git and plain `diff -u` output alike); this module turns its result
into frozen values the review stage can rely on, and applies hunks to a file's text so that a
bare diff can be reviewed against whole files on disk, in either direction.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from unidiff import PatchedFile, PatchSet
from unidiff.errors import UnidiffParseError

from secreview.text import source_lines

_NO_FILE = "/dev/null"


class DiffError(Exception):
    """The diff cannot be read or does not apply; the message says which file and why."""


class ChangeKind(enum.Enum):
    """What a diff does to one file."""

    ADDED = "added"
    MODIFIED = "modified"
    RENAMED = "renamed"
    DELETED = "deleted"


@dataclass(frozen=True, slots=True)
class HunkLine:
    """One line of a hunk: ' ' context, '-' removed, '+' added; text without its newline."""

    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class Hunk:
    """One `@@ -a,b +c,d @@` block; line numbers are 1-based as in the header."""

    source_start: int
    target_start: int
    lines: tuple[HunkLine, ...]

    @property
    def header(self) -> str:
        """The hunk header, for error messages."""
        source = sum(1 for line in self.lines if line.kind != "+")
        target = sum(1 for line in self.lines if line.kind != "-")
        return f"@@ -{self.source_start},{source} +{self.target_start},{target} @@"


@dataclass(frozen=True, slots=True)
class FileDiff:
    """Everything a diff says about one file.

    `path` is the name after the change (before it, for a deletion); `old_path` the name before
    it. `added_lines` are line numbers of the new version that the change wrote; `shown_lines`
    also include the context lines around them, the lines a review system lets you comment on.
    """

    path: str
    old_path: str
    kind: ChangeKind
    binary: bool
    symlink: bool
    submodule: bool
    hunks: tuple[Hunk, ...]
    added_lines: frozenset[int]
    shown_lines: frozenset[int]


_ESCAPES = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, '"': 34, "\\": 92}


def unquote(name: str) -> str:
    """A file name as git writes it in a patch header: C-quoted (`"a\\tb.py"`, octal bytes for
    non-ASCII) when it holds special characters. The bytes are decoded as UTF-8 with
    surrogateescape, as git's own names are, so no name is lost."""
    if len(name) < 2 or not (name.startswith('"') and name.endswith('"')):
        return name
    raw = bytearray()
    body, position = name[1:-1], 0
    while position < len(body):
        character = body[position]
        if character != "\\" or position + 1 == len(body):
            raw.extend(character.encode("utf-8", "surrogateescape"))
            position += 1
            continue
        escaped = body[position + 1]
        octal = body[position + 1 : position + 4]
        if len(octal) == 3 and all(c in "01234567" for c in octal):
            raw.append(int(octal, 8) & 0xFF)
            position += 4
        else:
            raw.append(_ESCAPES.get(escaped, ord(escaped) & 0xFF))
            position += 2
    return raw.decode("utf-8", "surrogateescape")


def _strip_prefix(name: str, prefix: str) -> str:
    return name[len(prefix) :] if name.startswith(prefix) else name


def _file_diff(patched: PatchedFile) -> FileDiff:
    source, target = unquote(patched.source_file), unquote(patched.target_file)
    # git writes a/ and b/ prefixes; plain `diff -u` output names the files as they are.
    git_style = source.startswith("a/") or target.startswith("b/")
    old_path = _strip_prefix(source, "a/") if git_style else source
    new_path = _strip_prefix(target, "b/") if git_style else target
    if patched.is_added_file:
        kind, old_path = ChangeKind.ADDED, new_path
    elif patched.is_removed_file:
        kind, new_path = ChangeKind.DELETED, old_path
    elif patched.is_rename:
        kind = ChangeKind.RENAMED
    else:
        kind, old_path = ChangeKind.MODIFIED, new_path
    hunks: list[Hunk] = []
    added: set[int] = set()
    shown: set[int] = set()
    for hunk in patched:
        lines: list[HunkLine] = []
        for line in hunk:
            if line.line_type not in (" ", "-", "+"):
                continue  # "\ No newline at end of file" markers
            lines.append(HunkLine(line.line_type, line.value.rstrip("\r\n")))
            if line.target_line_no is not None:
                shown.add(line.target_line_no)
                if line.line_type == "+":
                    added.add(line.target_line_no)
        hunks.append(Hunk(hunk.source_start, hunk.target_start, tuple(lines)))
    return FileDiff(
        path=new_path,
        old_path=old_path,
        kind=kind,
        binary=bool(patched.is_binary_file),
        symlink=bool(patched.is_symlink),
        submodule=bool(patched.is_submodule),
        hunks=tuple(hunks),
        added_lines=frozenset(added),
        shown_lines=frozenset(shown),
    )


def parse_diff(text: str) -> tuple[FileDiff, ...]:
    """Every file of a unified diff, in the diff's order; DiffError when it is not one."""
    try:
        patch = PatchSet(text)
    except UnidiffParseError as error:
        raise DiffError(f"the diff cannot be parsed: {error}") from None
    files = tuple(_file_diff(patched) for patched in patch)
    if not files and text.strip():
        raise DiffError("the input is not a unified diff (no '---'/'+++' file headers found)")
    for each in files:
        if _NO_FILE in (each.path, each.old_path):
            raise DiffError(f"the diff names {_NO_FILE} on both sides of a file")
    return files


def _apply(lines: Sequence[str], diff: FileDiff, reverse: bool) -> list[str] | str:
    """The patched lines, or a sentence saying which hunk does not match."""
    expect_kind, write_kind = ("+", "-") if reverse else ("-", "+")
    out: list[str] = []
    position = 0  # index into `lines` of the next line not yet copied
    for number, hunk in enumerate(diff.hunks, start=1):
        start = hunk.target_start if reverse else hunk.source_start
        expected = [line.text for line in hunk.lines if line.kind in (" ", expect_kind)]
        # A hunk that only adds lines names the line *before* the insertion point.
        begin = start if not expected else start - 1
        if begin < position or lines[begin : begin + len(expected)] != expected:
            return f"hunk {number} ({hunk.header}) does not match the file at line {start}"
        out.extend(lines[position:begin])
        out.extend(line.text for line in hunk.lines if line.kind in (" ", write_kind))
        position = begin + len(expected)
    out.extend(lines[position:])
    return out


def apply_diff(text: str, diff: FileDiff, *, reverse: bool = False) -> str:
    """`text` with the hunks applied (undone with `reverse`); DiffError when they don't fit."""
    result = _apply(source_lines(text), diff, reverse)
    if isinstance(result, str):
        raise DiffError(f"the diff does not apply to {diff.path}: {result}")
    return "\n".join(result) + ("\n" if result else "")


def fits(text: str, diff: FileDiff, *, reverse: bool = False) -> bool:
    """Whether the hunks match `text` (as the file before the change, or after with `reverse`)."""
    return not isinstance(_apply(source_lines(text), diff, reverse), str)
