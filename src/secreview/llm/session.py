"""The LLM stage of one run, as `scan`, `review` and `bench --llm` run it: models inferred before
the static review (so the engine uses them in the same run), review and triage after it.

One client serves the whole run, so the token budget, the concurrency limit and the usage the
report shows cover every role. The inferred models are written, as `models suggest` writes them,
to a private folder that lives as long as the run and is added to the run's model folders: a
finding that depends on one says so in its evidence ("sink modelled by the LLM: NAME"), and the
same cached answers give the same models, so the same output. What keeps the stage from running
at all (no endpoint, an unusable cache, httpx missing) is an LlmSetupError for the command to say.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from secreview.config import ScanConfig, is_included
from secreview.config.selection import is_selected_by
from secreview.findings import Finding, ScanResult
from secreview.pipeline import models_for
from secreview.sources.discovery import discover
from secreview.sources.reading import UnreadableSourceError, read_source

if TYPE_CHECKING:
    from secreview.llm.client import ChatClient
    from secreview.llm.inference import Inference

NO_ENDPOINT = "--llm needs --llm-endpoint URL (or `endpoint` in [tool.secreview.llm])"

SourceTexts = Sequence[tuple[str, str, str]]
"""(shown path, text, module name) of each file the model-inference role reads."""


def scanned_texts(roots: Sequence[str], config: ScanConfig) -> SourceTexts:
    """The files a scan of `roots` reviews, read (those that cannot be read are left out: the
    scan reports them)."""
    sources, _missing = discover(
        roots, config.excludes, config.follow_symlinks, gitignore=config.gitignore
    )
    texts = []
    for source in sources:
        if not is_included(source.shown_as, config):
            continue
        try:
            texts.append(
                (source.shown_as, read_source(source.path, config.max_file_bytes), source.module)
            )
        except UnreadableSourceError:
            continue
    return texts


def keeps(config: ScanConfig) -> Callable[[Finding], bool]:
    """Whether an LLM finding is reported: `--select`/`--ignore` by its rule id and CWE, and the
    minimum severity and confidence, as for a rule's findings."""

    def keep(finding: Finding) -> bool:
        return (
            finding.severity >= config.min_severity
            and finding.confidence >= config.min_confidence
            and is_selected_by(config.selection, finding.rule_id, finding.cwe)
        )

    return keep


class LlmRun(NamedTuple):
    """The LLM stage of one run: the config the static review uses (with inferred models), and
    what `finish` adds after it."""

    config: ScanConfig
    client: ChatClient | None = None
    inference: Inference | None = None
    sources: SourceTexts = ()
    """The run's files: what inference asks about, and whose functions chunks summarise."""

    def finish(
        self, result: ScanResult, read: Callable[[str], str | None], commit_message: str = ""
    ) -> ScanResult:
        """`result` with the LLM stage's findings and verdicts (unchanged without `--llm`)."""
        if self.client is None:
            return result
        from secreview.llm.callees import project_calls
        from secreview.llm.stage import run_llm_stage  # only --llm runs load the stage

        prompts_code = {"review", "triage"} & set(self.config.llm.roles)
        models = models_for(self.config.model_dirs)
        project = project_calls(self.sources, models) if prompts_code else None
        return run_llm_stage(
            result,
            self.config.llm,
            read,
            commit_message=commit_message,
            keep=keeps(self.config),
            client=self.client,
            inference=self.inference,
            project=project,
        )


@contextmanager
def llm_session(config: ScanConfig, texts: Callable[[], SourceTexts]) -> Iterator[LlmRun]:
    """The LLM stage of a run whose files `texts` gives, when `--llm` asked for it: the models
    it infers hold for the run inside the `with` block."""
    if not config.llm.enabled:
        yield LlmRun(config)
        return
    from secreview.llm.client import LlmSetupError, open_client

    if not config.llm.offline and not config.llm.endpoint:
        raise LlmSetupError(NO_ENDPOINT)
    client = open_client(config.llm)
    try:
        with tempfile.TemporaryDirectory(prefix="secreview-llm-models-") as scratch:
            yield _with_inferred_models(config, client, texts(), Path(scratch))
    finally:
        client.close()


def _with_inferred_models(
    config: ScanConfig, client: ChatClient, sources: SourceTexts, folder: Path
) -> LlmRun:
    """The run with the models the inference role keeps written to `folder` and loaded."""
    if "infer" not in config.llm.roles:
        return LlmRun(config, client, sources=sources)
    from secreview.llm.inference import infer_models, unknown_callees
    from secreview.llm.model_files import write_model_file

    models = models_for(config.model_dirs)
    inference = infer_models(
        unknown_callees(sources, models), models, client, config.llm.votes_needed
    )
    if inference.suggestions:
        write_model_file(folder, inference.suggestions, config.llm.model)
        config = config._replace(model_dirs=(*config.model_dirs, str(folder)))
    return LlmRun(config, client, inference, sources)
