"""Reporters: one module per format, each rendering a `ScanResult` and nothing else."""

from __future__ import annotations

from secreview.findings import FileReport

NO_DEFECTS = "No security defects are detected in the code."
NO_DEFECTS_IN_PART = (
    "No security defects are detected in the part of the code that could be reviewed; the "
    "error above says what was not."
)


def no_defects_verdict(report: FileReport) -> str:
    """The verdict of a file without findings: never "clean" when part of it was not reviewed."""
    return NO_DEFECTS if report.error is None else NO_DEFECTS_IN_PART
