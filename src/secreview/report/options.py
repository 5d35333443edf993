"""How a run asked its reports to be rendered (`--show-checked`, Gerrit's comment kind and vote).

The options travel in `ScanResult.extra` under `RENDER_KEY`, as a review's facts do, so every
reporter keeps rendering one `ScanResult`; `render_options` gives them back typed.
"""

from __future__ import annotations

import dataclasses
from typing import NamedTuple

from secreview.findings import ScanResult

RENDER_KEY = "render"


class RenderOptions(NamedTuple):
    """What the command line chose about the reports' content (defaults: the compact report)."""

    show_checked: bool = False
    """List every weakness class checked, not just the one-line count (JSON always lists them)."""
    gerrit_robot_comments: bool = False
    """Gerrit: deprecated robot comments instead of ordinary comments with fix suggestions."""
    gerrit_label: str | None = None
    """Gerrit: vote on this label: -1 when a new finding reaches the review's `--fail-on`
    (any defect outside a review), else 0."""


def render_options(result: ScanResult) -> RenderOptions:
    """The render options of `result` (the defaults when the run set none)."""
    options = result.extra.get(RENDER_KEY)
    return options if isinstance(options, RenderOptions) else RenderOptions()


def with_render_options(result: ScanResult, options: RenderOptions) -> ScanResult:
    """`result` carrying `options` for its reporters."""
    return dataclasses.replace(result, extra={**result.extra, RENDER_KEY: options})
