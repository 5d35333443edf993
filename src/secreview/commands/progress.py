"""The progress display of `scan`: one bar through every phase, each with its own label.

Shown only when standard error is a terminal. `FORCE_COLOR` (set by many CI systems so that logs
keep their colours) makes rich treat any stream as a terminal; a progress bar redrawn into a log
file is noise, so the decision here asks the stream itself.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID

RENDERING = "Rendering the report"


def stderr_is_terminal() -> bool:
    """Whether a person is watching standard error (not a pipe, a file or a CI log)."""
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced by an object without a descriptor, or closed
        return False


def error_console() -> Console:
    """Standard error as rich writes to it: the progress bar and the closing line, only shown
    on a terminal (so a piped or hooked run does not load rich at all)."""
    from rich.console import Console

    return Console(stderr=True, soft_wrap=True, highlight=False)


def wants_progress(no_progress: bool, quiet: bool) -> bool:
    """Whether to draw a progress bar."""
    return not (no_progress or quiet) and stderr_is_terminal()


class PhaseBar:
    """A transient bar whose label names the phase running now.

    A phase whose length is unknown (the cross-module pass before its files are counted) shows
    a pulsing bar, and the elapsed time keeps counting: the display never sits still.
    """

    def __init__(self, progress: Progress, task: TaskID) -> None:
        self._progress = progress
        self._task = task

    def __call__(self, label: str, done: int, total: int | None) -> None:
        """Show `label` with `done` of `total` (None: not known yet)."""
        self._progress.update(self._task, description=label, completed=done, total=total)


@contextmanager
def phase_bar(console: Console) -> Iterator[PhaseBar]:
    """A progress bar on `console` for the length of the block.

    rich's progress module is imported here, only when a bar is drawn: a scan in a hook or a
    pipe never shows one and should not pay for loading it.
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    with progress:
        yield PhaseBar(progress, progress.add_task("Finding files", total=None))
