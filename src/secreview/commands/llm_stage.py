"""The LLM stage as `scan` and `review` run it (`secreview.llm.session`), its setup errors said
as one clear error."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from secreview.commands.common import fail
from secreview.config import ScanConfig
from secreview.llm.session import LlmRun, SourceTexts, llm_session, scanned_texts

__all__ = ["llm_run", "scanned_texts"]


@contextmanager
def llm_run(config: ScanConfig, texts: Callable[[], SourceTexts]) -> Iterator[LlmRun]:
    """`llm_session`, exiting 2 with its message when the stage cannot run at all."""
    if not config.llm.enabled:  # a plain run loads none of the LLM client (start-up time)
        yield LlmRun(config)
        return
    from secreview.llm.client import LlmSetupError

    try:
        with llm_session(config, texts) as run:
            yield run
    except LlmSetupError as error:
        fail(str(error))
