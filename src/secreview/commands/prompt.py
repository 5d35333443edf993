"""`secreview prompt FILE`: print the review prompt `--llm` would send, for pasting into a chat.

The file is reviewed by the rules first (so the prompt carries their findings, as `--llm`'s
does), then masked and fenced exactly as the LLM stage does it. Nothing is sent anywhere.
"""

from __future__ import annotations

from pathlib import Path

import click

from secreview.analysis.rules import ALL_RULES
from secreview.commands.common import fail
from secreview.config import ScanConfig
from secreview.config.llm import STYLES
from secreview.llm.chunks import chunks_of
from secreview.llm.prompts import as_prompt_text, review_messages, reviewed_file
from secreview.scanner import scan
from secreview.sources.reading import UnreadableSourceError, read_source

CHUNK_SEPARATOR = "\n----- next prompt (the file is cut by function) -----\n\n"


@click.command("prompt")
@click.argument("file", type=click.Path(dir_okay=False, exists=True))
@click.option(
    "--style",
    type=click.Choice(STYLES),
    default="default",
    show_default=True,
    help="basic; commit (with the commit message); cwe (CWE references); pillars (the "
    "CWE-1000 pillars); steps (step by step); default (commit + cwe + pillars).",
)
@click.option("--commit-message", default="", metavar="TEXT", help="The change's description.")
def prompt_command(file: str, style: str, commit_message: str) -> None:
    """Print the LLM review prompt for FILE (secrets masked; nothing is sent)."""
    config = ScanConfig()
    try:
        text = read_source(Path(file), config.max_file_bytes)
    except UnreadableSourceError as error:
        fail(f"{file} {error}")
    result = scan([file], config, jobs=1)
    findings = tuple(finding for report in result.files for finding in report.findings)
    shown = reviewed_file(file, text, findings, commit_message)
    rule_cwes = sorted({rule.cwe for rule in ALL_RULES})
    prompts = [
        as_prompt_text(review_messages(shown, chunk, style, rule_cwes))
        for chunk in chunks_of(text, len(shown.lines))
    ]
    click.echo(CHUNK_SEPARATOR.join(prompts), nl=False)
