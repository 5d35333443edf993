"""Reporters: one module per format, each rendering a `ScanResult` and nothing else."""

from __future__ import annotations

NO_DEFECTS = "No security defects are detected in the code."
