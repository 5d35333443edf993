"""The lines of a change around a new finding, as the text and Markdown reviews show them.

A reviewer judges a finding by what the change did there: which lines it added, which it
removed (a sanitiser, a check) and the code around them. The review stage holds the diff, so
the excerpt is cut here and travels in the review facts; reporters never read git or files.
Its lines are masked here too: a changed line may hold a password whatever rule pointed at it.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from secreview.findings import Finding
from secreview.masking import mask_lines
from secreview.review.model import ChangeExcerpt, ExcerptLine
from secreview.sources.diff import FileDiff, Hunk, HunkLine

CONTEXT_LINES = 3
"""Lines of the new file shown above and below the finding (git's own default context)."""
MAX_SPAN_LINES = 6
"""A finding spanning more lines shows only its first ones: the excerpt is a pointer, not a
listing of the whole statement."""


def _positioned(hunk: Hunk) -> Iterator[tuple[HunkLine, int]]:
    """Each line with its number in the new file; a removed line gets the number of the new
    line it stands before, which places it among the lines kept around it."""
    # A hunk without lines in the new file names the line *before* it, as git writes it.
    writes = any(line.kind != "-" for line in hunk.lines)
    position = hunk.target_start if writes else hunk.target_start + 1
    for line in hunk.lines:
        yield line, position
        if line.kind != "-":
            position += 1


@lru_cache(maxsize=256)
def _masked(hunk: Hunk) -> tuple[str, ...]:
    """The text of each hunk line with its secrets masked (`secreview.masking`).

    Each side of the hunk is masked as one piece of code, so `password=` on one line still masks
    the value on the next; a context line is shown as the new side masks it. Cached: every new
    finding of a file asks for the same hunks.
    """
    sides = {
        kind: mask_lines([line.text for line in hunk.lines if line.kind in (" ", kind)])
        for kind in ("+", "-")
    }
    taken = {"+": 0, "-": 0}
    shown: list[str] = []
    for line in hunk.lines:
        if line.kind == " ":
            shown.append(sides["+"][taken["+"]])
            taken["+"] += 1
            taken["-"] += 1
        else:
            shown.append(sides[line.kind][taken[line.kind]])
            taken[line.kind] += 1
    return tuple(shown)


def _focus(diff: FileDiff, finding: Finding) -> tuple[int, int] | None:
    """The lines to centre on: the finding's own span when the diff shows it, else the evidence
    step nearest the sink that the diff shows (a source the change added far above the sink)."""
    location = finding.location
    first, last = location.line, location.end_line or location.line
    if any(line in diff.shown_lines for line in range(first, last + 1)):
        return first, last
    for step in reversed(finding.evidence):
        if step.location.path == location.path and step.location.line in diff.shown_lines:
            return step.location.line, step.location.line
    return None


def excerpt(diff: FileDiff, finding: Finding) -> ChangeExcerpt | None:
    """The hunk lines within `CONTEXT_LINES` of the finding, or None when no hunk reaches it."""
    focus = _focus(diff, finding)
    if focus is None:
        return None
    first, last = focus
    low = first - CONTEXT_LINES
    high = min(last, first + MAX_SPAN_LINES - 1) + CONTEXT_LINES
    lines: list[ExcerptLine] = []
    for hunk in diff.hunks:
        for (line, position), text in zip(_positioned(hunk), _masked(hunk), strict=True):
            if line.kind == "-":
                # Removed lines between two shown lines are shown; those at the edges are not.
                if low < position <= high:
                    lines.append(ExcerptLine(line.kind, text, None))
            elif low <= position <= high:
                lines.append(ExcerptLine(line.kind, text, position))
    return ChangeExcerpt(tuple(lines)) if lines else None
