"""Taint analysis: which untrusted inputs reach which dangerous calls, and by which path.

The facade of the engine: rules and the scanner import from here. `module_taint.py` runs the
analysis of one module and answers the questions rules ask of it; `project.py` summarises the
functions of a whole project for cross-module flows; `interpreter.py` and `frame.py` are the
interpreter itself (see their docstrings for how it is split).
"""

from __future__ import annotations

from secreview.analysis.taint.context import (
    DEFAULT_THREAT_MODEL,
    REPORTED_ORIGINS,
    THREAT_MODELS,
    AnalysisContext,
    ModuleTaint,
    TaintSetup,
)
from secreview.analysis.taint.module_taint import (
    may_read_network_input,
    reads_remote_input,
    reported_events,
    taint_events,
    taint_notes,
    untrusted_input_reaches,
)
from secreview.analysis.taint.project import build_project_index, module_name_for
from secreview.analysis.taint.summaries import ProjectIndex

__all__ = [
    "DEFAULT_THREAT_MODEL",
    "REPORTED_ORIGINS",
    "THREAT_MODELS",
    "AnalysisContext",
    "ModuleTaint",
    "ProjectIndex",
    "TaintSetup",
    "build_project_index",
    "may_read_network_input",
    "module_name_for",
    "reads_remote_input",
    "reported_events",
    "taint_events",
    "taint_notes",
    "untrusted_input_reaches",
]
