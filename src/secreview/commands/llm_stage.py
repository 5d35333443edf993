"""The LLM stage as `scan` and `review` run it: after the static review, before rendering."""

from __future__ import annotations

from collections.abc import Callable

from secreview.commands.common import fail
from secreview.config import ScanConfig
from secreview.findings import ScanResult


def with_llm(
    result: ScanResult,
    config: ScanConfig,
    read: Callable[[str], str | None],
    commit_message: str = "",
) -> ScanResult:
    """`result` with the LLM stage's findings and verdicts when `--llm` asked for them."""
    if not config.llm.enabled:
        return result
    from secreview.llm.client import LlmSetupError  # only --llm runs load the LLM code
    from secreview.llm.stage import run_llm_stage

    if not config.llm.offline and not config.llm.endpoint:
        fail("--llm needs --llm-endpoint URL (or `endpoint` in [tool.secreview.llm])")
    try:
        return run_llm_stage(
            result,
            config.llm,
            read,
            commit_message=commit_message,
            min_severity=config.min_severity,
        )
    except LlmSetupError as error:
        fail(str(error))
