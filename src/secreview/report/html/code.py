"""The code an HTML report shows: the lines around each finding and its evidence steps, masked.

Every reporter renders a `ScanResult` and nothing else, and reporters never read files or git:
so the command that runs an HTML report reads the sources (from disk for a scan, from the
reviewed version for a review) and `with_code` cuts the lines it needs into a `CodeView` that
travels in `ScanResult.extra`, like the review facts do. Only the lines around findings and
their flow steps are kept, never whole files, so a report on a large tree stays small.

Each file is masked whole (`secreview.masking.mask_code`) before its lines are cut, so a
password assigned on one line and shown on the next is masked with the context of the whole
file: no secret value reaches the report.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from secreview.findings import Finding, ScanResult
from secreview.masking import mask_code
from secreview.text import source_lines

CODE_KEY = "html_code"
"""Where the code view travels in `ScanResult.extra`."""
SINK_CONTEXT_LINES = 3
"""Lines shown above and below a finding's own span."""
STEP_CONTEXT_LINES = 1
"""Lines shown above and below each evidence step."""
MAX_SPAN_LINES = 6
"""A finding spanning more lines shows only its first ones: a pointer, not a listing."""
MAX_LINE_CHARS = 400
"""A longer line (minified or generated code) is cut here, so one line cannot bloat a report."""
CUT_MARK = " …"


@dataclass(frozen=True, slots=True)
class Window:
    """A run of consecutive lines of one file to show: `first` to `last`, both included."""

    path: str
    first: int
    last: int


@dataclass(frozen=True, slots=True)
class CodeView:
    """The masked lines the report shows, per path; and the lines the change added (review)."""

    lines: Mapping[str, Mapping[int, str]] = field(default_factory=dict)
    changed: Mapping[str, frozenset[int]] = field(default_factory=dict)

    def line(self, path: str, number: int) -> str | None:
        """The masked text of line `number` of `path`, or None when it was not kept."""
        return self.lines.get(path, {}).get(number)


def sink_span(finding: Finding) -> tuple[int, int]:
    """The finding's own lines as shown (at most `MAX_SPAN_LINES` of them)."""
    first = finding.location.line
    last = max(first, finding.location.end_line or first)
    return first, min(last, first + MAX_SPAN_LINES - 1)


def windows(finding: Finding) -> list[Window]:
    """The lines to show for `finding`, per file: its own file first, then the files its
    evidence reaches in the order it reaches them; overlapping or touching runs merged."""
    wanted: dict[str, list[tuple[int, int]]] = {}
    first, last = sink_span(finding)
    wanted[finding.location.path] = [(first - SINK_CONTEXT_LINES, last + SINK_CONTEXT_LINES)]
    for step in finding.evidence:
        line = step.location.line
        wanted.setdefault(step.location.path, []).append(
            (line - STEP_CONTEXT_LINES, line + STEP_CONTEXT_LINES)
        )
    merged: list[Window] = []
    for path, spans in wanted.items():
        current: tuple[int, int] | None = None
        for low, high in sorted(spans):
            low = max(low, 1)
            if current is not None and low <= current[1] + 1:
                current = (current[0], max(current[1], high))
                continue
            if current is not None:
                merged.append(Window(path, *current))
            current = (low, high)
        if current is not None:
            merged.append(Window(path, *current))
    return merged


def _shown(line: str) -> str:
    return line if len(line) <= MAX_LINE_CHARS else line[:MAX_LINE_CHARS] + CUT_MARK


def build_code_view(
    findings: Iterable[Finding],
    read: Callable[[str], str | None],
    changed: Mapping[str, frozenset[int]] | None = None,
) -> CodeView:
    """The masked lines every finding's windows need; `read(path)` gives a file's source text,
    or None when it cannot be read now (its findings are then shown without code)."""
    needed: dict[str, set[int]] = {}
    for finding in findings:
        for window in windows(finding):
            needed.setdefault(window.path, set()).update(range(window.first, window.last + 1))
    kept: dict[str, dict[int, str]] = {}
    for path in sorted(needed):
        text = read(path)
        if text is None:
            continue
        lines = source_lines(mask_code(text).text)
        kept[path] = {
            number: _shown(lines[number - 1])
            for number in sorted(needed[path])
            if number <= len(lines)
        }
    return CodeView(lines=kept, changed=dict(changed or {}))


def with_code(
    result: ScanResult,
    read: Callable[[str], str | None],
    changed: Mapping[str, frozenset[int]] | None = None,
) -> ScanResult:
    """`result` carrying the code view of its findings (not of a review's resolved findings,
    whose code the change removed or rewrote)."""
    view = build_code_view(result.findings, read, changed)
    return dataclasses.replace(result, extra={**result.extra, CODE_KEY: view})


def code_view(result: ScanResult) -> CodeView:
    """The code view of `result`; an empty one when the command attached none."""
    view = result.extra.get(CODE_KEY)
    return view if isinstance(view, CodeView) else CodeView()
