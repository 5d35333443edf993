"""`secreview rules` and `secreview explain`: what secreview looks for, and why."""

from __future__ import annotations

import re

import click

from secreview.analysis.rules import ALL_RULES, RULES_BY_ID
from secreview.cwe import UnknownCWEError, lookup


def rules_markdown() -> str:
    """The rule list as a Markdown table (the README embeds exactly this)."""
    lines = ["| rule | CWE | severity | reports |", "| --- | --- | --- | --- |"]
    for r in ALL_RULES:
        summary = r.summary.replace("|", "\\|")
        lines.append(f"| `{r.id}` | CWE-{r.cwe} | {r.severity.label} | {summary} |")
    return "\n".join(lines)


@click.command("rules")
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json", "markdown"]), default="text"
)
def rules_command(output_format: str) -> None:
    """List every rule: id, CWE, severity and what it reports."""
    if output_format == "markdown":
        click.echo(rules_markdown())
        return
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
            }
            for r in ALL_RULES
        ]
        click.echo(json.dumps(payload, indent=2))
        return
    width = max(len(r.id) for r in ALL_RULES)
    click.echo(f"{'RULE':<{width}}  {'CWE':<9} {'SEVERITY':<9} SUMMARY")
    for r in ALL_RULES:
        click.echo(f"{r.id:<{width}}  {'CWE-' + str(r.cwe):<9} {r.severity.label:<9} {r.summary}")


@click.command("explain")
@click.argument("topic")
def explain_command(topic: str) -> None:
    """Document a rule (RULE-ID) or a weakness (CWE-N): what, why, example, fix, references."""
    cwe_match = re.fullmatch(r"(?i)(?:cwe-?)?(\d+)", topic.strip())
    if topic in RULES_BY_ID:
        click.echo(explain_rule(topic))
    elif cwe_match:
        try:
            click.echo(explain_cwe(int(cwe_match[1])))
        except UnknownCWEError as error:
            raise click.ClickException(str(error.args[0])) from None
    else:
        raise click.ClickException(
            f"{topic!r} is neither a rule id nor a CWE id; `secreview rules` lists the rules"
        )


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
        f"{'; also reported in test code' if rule.applies_in_tests else ''}\n\n"
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
