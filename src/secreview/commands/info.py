"""`secreview rules` and `secreview explain`: what secreview looks for, and why."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import click

from secreview.analysis.rules import ALL_RULES, RULES_BY_ID
from secreview.commands.common import fail
from secreview.config import (
    CommandLine,
    ConfigError,
    FileSettings,
    ScanConfig,
    build_config,
    load_settings,
)
from secreview.config.selection import SelectorError, check_selector
from secreview.context.bandit import BANDIT_ID, bandit_tests
from secreview.cwe import UnknownCWEError, lookup
from secreview.llm.review import EXPLANATION as LLM_EXPLANATION
from secreview.llm.review import RULE_ID as LLM_RULE_ID
from secreview.pipeline import active_rules

_OFF_BY_DEFAULT_NOTE = " *(off by default: runs when selected by id, prefix, CWE or `ALL`)*"


def rules_markdown() -> str:
    """The rule list as a Markdown table (the README embeds exactly this)."""
    lines = ["| rule | CWE | severity | reports |", "| --- | --- | --- | --- |"]
    for r in ALL_RULES:
        summary = r.summary.replace("|", "\\|") + _OFF_BY_DEFAULT_NOTE * (not r.default_enabled)
        lines.append(f"| `{r.id}` | CWE-{r.cwe} | {r.severity.label} | {summary} |")
    return "\n".join(lines)


def _effective(
    config_path: Path | None,
    isolated: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    extend_select: tuple[str, ...] = (),
) -> ScanConfig:
    """The configuration a `scan` started here with the same options would run with."""
    try:
        settings = FileSettings() if isolated else load_settings(config_path, Path("."))
        options = CommandLine(
            select=tuple(check_selector(s) for s in select),
            ignore=tuple(check_selector(s) for s in ignore),
            extend_select=tuple(check_selector(s) for s in extend_select),
        )
    except ConfigError as error:
        fail(str(error))
    except SelectorError as error:
        raise click.UsageError(str(error)) from None
    return build_config(settings, options)


@click.command("rules")
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json", "markdown"]), default="text"
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Read settings from this TOML file [nearest pyproject.toml's [tool.secreview]].",
)
@click.option("--isolated", is_flag=True, help="Ignore every configuration file.")
@click.option("--select", multiple=True, metavar="RULES", help="As `scan --select`.")
@click.option("--ignore", multiple=True, metavar="RULES", help="As `scan --ignore`.")
@click.option("--extend-select", multiple=True, metavar="RULES", help="As `scan --extend-select`.")
def rules_command(
    output_format: str,
    config_path: Path | None,
    isolated: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    extend_select: tuple[str, ...],
) -> None:
    """List every rule: id, CWE, severity, what it reports, and whether the configuration (the
    nearest pyproject.toml, or --config, and --select/--ignore) enables it."""
    if output_format == "markdown":
        click.echo(rules_markdown())
        return
    split = [
        tuple(p.strip() for v in values for p in v.split(",") if p.strip())
        for values in (select, ignore, extend_select)
    ]
    config = _effective(config_path, isolated, *split)
    enabled = {r.id for r in active_rules(config)}
    if output_format == "json":
        import json

        payload = [
            {
                "id": r.id,
                "cwe": r.cwe,
                "cwe_name": lookup(r.cwe).name,
                "severity": r.severity.label,
                "confidence": r.confidence.label,
                "summary": r.summary,
                "enabled": r.id in enabled,
                "default_enabled": r.default_enabled,
            }
            for r in ALL_RULES
        ]
        click.echo(json.dumps(payload, indent=2))
        return
    width = max(len(r.id) for r in ALL_RULES)
    click.echo(
        f"{len(enabled)} of {len(ALL_RULES)} rules enabled (configuration: {config.configuration})"
    )
    click.echo(f"   {'RULE':<{width}}  {'CWE':<9} {'SEVERITY':<9} SUMMARY")
    for r in ALL_RULES:
        mark = "on " if r.id in enabled else "off"
        summary = r.summary if r.default_enabled else f"(off by default) {r.summary}"
        click.echo(
            f"{mark} {r.id:<{width}}  {'CWE-' + str(r.cwe):<9} {r.severity.label:<9} {summary}"
        )


@click.command("explain")
@click.argument("topic")
def explain_command(topic: str) -> None:
    """Document a rule (RULE-ID) or a weakness (CWE-N): what, why, example, fix, references."""
    cwe_match = re.fullmatch(r"(?i)(?:cwe-?)?(\d+)", topic.strip())
    if topic in RULES_BY_ID:
        click.echo(explain_rule(topic))
    elif topic.strip() == LLM_RULE_ID:
        click.echo(LLM_EXPLANATION.rstrip("\n"))
    elif BANDIT_ID.fullmatch(topic.strip()):
        click.echo(explain_bandit(topic.strip().upper()))
    elif cwe_match:
        try:
            click.echo(explain_cwe(int(cwe_match[1])))
        except UnknownCWEError as error:
            raise click.UsageError(str(error.args[0])) from None
    else:
        close = difflib.get_close_matches(topic, list(RULES_BY_ID), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else "; `secreview rules` lists the rules"
        raise click.UsageError(
            f"{topic!r} is neither a rule id, a CWE id nor a Bandit id (B602){hint}"
        )


def explain_bandit(test_id: str) -> str:
    """Which secreview rules a Bandit test id stands for (what `# nosec B602` suppresses)."""
    test = bandit_tests().get(test_id)
    if test is None:
        return (
            f"{test_id}: no secreview rule is mapped from this Bandit test, so "
            f"`# nosec {test_id}` suppresses nothing (with --honour-nosec)."
        )
    lines = [
        f"{test.id} ({test.name}) in Bandit; `# nosec {test.id}` (with --honour-nosec) "
        "suppresses these secreview rules:"
    ]
    lines.extend(f"  - {rule_id}: {RULES_BY_ID[rule_id].summary}" for rule_id in test.rules)
    return "\n".join(lines)


def explain_rule(rule_id: str) -> str:
    """The five documentation sections of a rule, with its CWE and pillar."""
    rule = RULES_BY_ID[rule_id]
    weakness = lookup(rule.cwe)
    pillar = lookup(weakness.pillar)
    example = "\n".join("    " + line for line in rule.doc.example.splitlines())
    use_instead = "\n".join("    " + line for line in rule.doc.use_instead.splitlines())
    references = "\n".join(f"  - {ref}" for ref in rule.doc.references)
    return (
        f"{rule.id}: {rule.name}\n"
        f"CWE-{weakness.cwe} {weakness.name}\n"
        f"Category: CWE-{pillar.cwe} {pillar.name}\n"
        f"Default severity: {rule.severity.label}, confidence: {rule.confidence.label}"
        f"{'; also reported in test code' if rule.applies_in_tests else ''}"
        f"{'; off by default (select it to run it)' if not rule.default_enabled else ''}\n\n"
        f"What it does\n  {rule.doc.what_it_does}\n\n"
        f"Why is this bad?\n  {rule.doc.why_bad}\n\n"
        f"Example\n{example}\n\n"
        f"Use instead\n{use_instead}\n\n"
        f"Fix\n  {rule.fix}\n\n"
        f"References\n{references}"
    )


def explain_cwe(cwe: int) -> str:
    """A weakness' official name, its pillar, and the rules that report it."""
    weakness = lookup(cwe)
    pillar = lookup(weakness.pillar)
    reporting = [r for r in ALL_RULES if r.cwe == cwe]
    lines = [f"CWE-{weakness.cwe} {weakness.name}"]
    if weakness.pillar == weakness.cwe:
        lines.append("This is a CWE-1000 pillar.")
    else:
        lines.append(f"Category: CWE-{pillar.cwe} {pillar.name}")
    lines.append(f"https://cwe.mitre.org/data/definitions/{cwe}.html")
    if reporting:
        lines.append("Reported by:")
        lines.extend(f"  - {r.id} ({r.severity.label}): {r.summary}" for r in reporting)
    else:
        lines.append("No secreview rule reports this weakness yet.")
    return "\n".join(lines)
