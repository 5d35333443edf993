"""The helpers of a scanned project that show a value only under a debug flag, known to every
module's review.

eve answers errors with `abort(400, description=debug_error_message(str(e)))`, the helper living
in `eve/utils.py` and returning its argument only `if getattr(config, "DEBUG", False):`. One
module's review cannot see the other module, so before the review the scanner reads the files
whose text tests a debug flag in an indented `if` (a function's), collects, in worker processes
under each file's budget, `module.function index name` for each parameter a module-level
function shows only there (`debug_helpers.project_debug_parameters`) and hands them to every
review in the configuration: `exception-details-in-response` then rates such a call low, as code
in a debug branch is. The entries are part of the configuration, so the cache reviews every file
again when they change.
"""

from __future__ import annotations

import re

from secreview.patterns import lazy_pattern

_DEBUG_TEST = lazy_pattern(r"^[ \t]+if\b[^\n]*\b(?:DEBUG|debug)\b", re.MULTILINE)
"""An `if` inside a function or class testing something named for debugging."""


def may_test_debug(text: str) -> bool:
    """Whether a module's text tests a debug flag in an indented `if` (read, not parsed)."""
    if "DEBUG" not in text and "debug" not in text:  # most files say no before any pattern
        return False
    return _DEBUG_TEST.search(text) is not None
