"""Where `-o FILE` writes: checked before any work starts, written whole or not at all.

A scan that runs for minutes and then fails to write its report wastes the run, and a report
written over a file under review destroys the user's code: both are refused up front, with one
clear sentence, before a single file is read. The report is written to a temporary file beside
the destination and renamed over it, so an interrupted write never leaves half a report.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from secreview.sources.discovery import is_python_file


class OutputFileError(Exception):
    """The report cannot be written there; the message says why, in one sentence."""


def _is_within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_output(
    output: str, *, reviewed: Iterable[str | Path], inputs: Iterable[str | Path] = ()
) -> Path:
    """The destination `output` resolves to, or OutputFileError when it must not be written.

    `reviewed` are the files and folders under review: no Python file among or under them may be
    overwritten. `inputs` are the other files the run reads (a diff, a baseline, a configuration):
    the report may not replace them either.
    """
    destination = Path(os.path.realpath(output))
    for item in reviewed:
        target = Path(os.path.realpath(item))
        if destination == target or (
            _is_within(destination, target) and _looks_like_python(destination)
        ):
            raise OutputFileError(
                f"-o {output} names a Python file under review (in {item}); write the report "
                "elsewhere"
            )
    for item in inputs:
        if destination == Path(os.path.realpath(item)):
            raise OutputFileError(f"-o {output} would overwrite {item}, which this run reads")
    if destination.is_dir():
        raise OutputFileError(f"-o {output} is a folder; name a file")
    folder = destination.parent
    if not folder.is_dir():
        raise OutputFileError(f"-o {output}: the folder {folder} does not exist")
    if not os.access(destination if destination.exists() else folder, os.W_OK):
        raise OutputFileError(f"-o {output} cannot be written (permission denied)")
    return destination


def _looks_like_python(path: Path) -> bool:
    """A file discovery would review: `.py`/`.pyw`, or an existing file with a python shebang."""
    return is_python_file(path)


def write_output(destination: Path, text: str) -> None:
    """Write `text` to `destination` whole: atomically for regular files, directly for devices.

    OutputFileError when the write fails (disk full, permissions changed since the check).
    """
    data = text.encode("utf-8", "surrogateescape")
    try:
        existing = destination.stat() if destination.exists() else None
        if existing is not None and not stat.S_ISREG(existing.st_mode):
            with destination.open("wb") as handle:  # /dev/stdout, a pipe the user named
                handle.write(data)
            return
        handle, temporary = tempfile.mkstemp(prefix=".secreview-", dir=destination.parent)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            if existing is not None:
                os.chmod(temporary, stat.S_IMODE(existing.st_mode))
            else:
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(temporary, 0o666 & ~umask)
            os.replace(temporary, destination)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise OutputFileError(
            f"the report could not be written to {destination} ({error.strerror or error})"
        ) from None
