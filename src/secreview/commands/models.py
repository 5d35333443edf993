"""`secreview models suggest PATH -o DIR`: an LLM suggests taint models for APIs no model knows.

The suggestions are written as a model file for a person to review and commit, then load with
`--models DIR`; nothing is loaded into a scan behind the user's back.
"""

from __future__ import annotations

from pathlib import Path

import click

from secreview.analysis.models import default_models
from secreview.commands.common import fail
from secreview.config import ConfigError, load_settings
from secreview.config.model import DEFAULT_EXCLUDES
from secreview.sources.discovery import discover
from secreview.sources.reading import UnreadableSourceError, read_source


@click.group("models")
def models_group() -> None:
    """Taint models (sources, sinks, sanitisers): suggest them for unknown APIs."""


@models_group.command("suggest")
@click.argument("path", type=click.Path(exists=True))
@click.option(
    "-o",
    "--output",
    "output_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write llm-suggested.toml into.",
)
@click.option("--llm-endpoint", metavar="URL", help="Server base URL [config `endpoint`].")
@click.option("--llm-model", metavar="NAME", help="Model name [config `model`].")
@click.option("--llm-samples", type=click.IntRange(1, 20), help="Answers to vote over [3].")
@click.option("--llm-offline", is_flag=True, help="Use cached answers only; send nothing.")
@click.option(
    "--llm-cache-dir",
    metavar="DIR",
    help="Answer cache folder [$SECREVIEW_LLM_CACHE_DIR, else the user cache folder].",
)
def suggest_command(
    path: str,
    output_dir: Path,
    llm_endpoint: str | None,
    llm_model: str | None,
    llm_samples: int | None,
    llm_offline: bool,
    llm_cache_dir: str | None,
) -> None:
    """Ask an LLM which unknown functions called under PATH are sources, sinks or sanitisers."""
    from secreview.llm.client import LlmSetupError, open_client  # needs the `llm` extra
    from secreview.llm.inference import infer_models, unknown_callees
    from secreview.llm.model_files import write_model_file

    try:
        settings = load_settings(None, Path(path)).llm.from_reviewed_tree()
    except ConfigError as error:
        fail(str(error))
    given = {
        "endpoint": llm_endpoint,
        "model": llm_model,
        "samples": llm_samples,
        "cache_dir": llm_cache_dir,
    }
    settings = settings._replace(
        offline=llm_offline or settings.offline,
        **{key: value for key, value in given.items() if value is not None},
    )
    if not settings.offline and not settings.endpoint:
        fail("models suggest needs --llm-endpoint URL (or `endpoint` in [tool.secreview.llm])")
    sources, _left_out = discover([path], DEFAULT_EXCLUDES, gitignore=True)
    files = []
    for source in sources:
        try:
            files.append((source.shown_as, read_source(source.path), source.module))
        except UnreadableSourceError:
            continue
    models = default_models()
    callees = unknown_callees(files, models)
    if not callees:
        click.echo(f"No call under {path} names a function that no model knows.")
        return
    try:
        client = open_client(settings)
        try:
            inference = infer_models(callees, models, client, settings.votes_needed)
        finally:
            client.close()
    except LlmSetupError as error:
        fail(str(error))
    rejected = ", ".join(f"{reason} {count}" for reason, count in inference.rejected)
    dropped = f" (dropped: {rejected})" if rejected else ""
    failed = f"; {len(client.usage.failures)} requests failed" if client.usage.failures else ""
    asked = f"Asked about {inference.asked} functions"
    if not inference.suggestions:
        click.echo(f"{asked}; no suggestion held up{dropped}{failed}.")
        return
    target = write_model_file(output_dir, inference.suggestions, settings.model)
    click.echo(
        f"{asked}; wrote {len(inference.suggestions)} suggested models to {target}"
        f"{dropped}{failed}. Review them before loading with --models."
    )
