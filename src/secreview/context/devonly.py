"""Code that only runs while developing, where a finding is less likely to matter.

Two shapes say so in the code itself:
- the `if __name__ == "__main__":` block of a library module (one that also defines functions
  or classes to be imported): a demonstration or self-test run by hand, not a path a deployed
  application takes. A script whose whole body is its main block is not a library module, and
  its main block stays as it is;
- the body of `if settings.DEBUG:`, `if app.debug:`, `if DEBUG:` or `if app.config["DEBUG"]:`
  (and the `else:` of `if not settings.DEBUG:`), which production configurations switch off
  (`index/debug_flags.py`).
Findings there keep their severity but are rated low confidence, with a sentence saying why, so
that `--min-confidence medium` hides them and a reader knows what the rating rests on. A schema
migration (`migrations.is_schema_migration`), which the operator runs at deploy time, is rated
the same way as a whole, and so is a maintainer's script beside the package that reads no network
input (`secreview.project_scripts`: `setup.py`, release, deploy, CI and documentation helpers).
Rules that matter even in tests (hard-coded secrets: a key in the source leaks whatever branch it
is on) are left as they are.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from typing import NamedTuple

from secreview.context.migrations import is_schema_migration
from secreview.findings import Confidence, Finding
from secreview.index.debug_flags import debug_branch
from secreview.index.facts import is_main_guard

DEVELOPMENT_TAG = "development-only"
MIGRATION_TAG = "schema-migration"
SCRIPT_TAG = "maintainer-script"
COMMAND_TAG = "management-command"
_IN_DEVELOPMENT = "in development rather than in a deployed application"
_MIGRATION = (
    "when the operator migrates the database, at deploy time, on the database's own schema and rows"
)
_SCRIPT = (
    "in a script beside the package that its maintainers run by hand with their own arguments "
    "(it reads no network input), not in the deployed application"
)
_EXPOSURE_CWES = frozenset({200, 209, 312, 313, 315, 359, 532})
"""Weaknesses that expose data (a password written to a log, a secret stored in clear): a
management command runs on the production database, so who typed its arguments changes
nothing about what it writes out."""
_COMMAND = (
    "when an operator runs it as a Django management command (`manage.py ...`) with their own "
    "arguments (it reads no network input), not when the application serves a request"
)


class DevelopmentSpan(NamedTuple):
    """Lines `first`..`last` that run only in development (or only when the operator migrates
    the database), where and when they run, as a phrase, and the tag a finding there gets."""

    first: int
    last: int
    where: str
    tag: str = DEVELOPMENT_TAG


def _span(statements: list[ast.stmt], where: str) -> DevelopmentSpan | None:
    if not statements:
        return None
    last = statements[-1]
    return DevelopmentSpan(
        statements[0].lineno, last.end_lineno or last.lineno, f"{where}, {_IN_DEVELOPMENT}"
    )


def _defines_something(tree: ast.Module) -> bool:
    """Whether the module has functions or classes of its own: it is meant to be imported."""
    return any(
        isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) for s in tree.body
    )


def development_spans(
    tree: ast.Module,
    nodes: Iterable[ast.AST],
    maintainer_script: bool = False,
    management_command: bool = False,
) -> list[DevelopmentSpan]:
    """The regions of `tree` that only run in development, in source order. `nodes` are the
    tree's nodes, parents before children (the module index's list: no second walk);
    `maintainer_script`: the module is a maintainer's script (see the module);
    `management_command`: a Django management command reading no network input
    (`maintenance.management_command`)."""
    if is_schema_migration(tree):
        return [DevelopmentSpan(1, _last_line(tree), _MIGRATION, MIGRATION_TAG)]
    if maintainer_script:
        return [DevelopmentSpan(1, _last_line(tree), _SCRIPT, SCRIPT_TAG)]
    if management_command:
        return [DevelopmentSpan(1, _last_line(tree), _COMMAND, COMMAND_TAG)]
    found: list[DevelopmentSpan | None] = []
    library = _defines_something(tree)
    for node in nodes:
        if type(node) is not ast.If:
            continue
        if library and node in tree.body and is_main_guard(node.test):
            where = 'in the `if __name__ == "__main__":` block of a module meant to be imported'
            found.append(_span(node.body, where))
        elif (branch := debug_branch(node)) is not None:
            found.append(_span(*branch))
    return sorted((s for s in found if s), key=lambda s: (s.first, s.last))


def _last_line(tree: ast.Module) -> int:
    """The module's last line of code: a whole-module span ends there."""
    last = tree.body[-1] if tree.body else None
    return (last.end_lineno or last.lineno) if last is not None else 1


def rate_development_only(
    findings: Iterable[Finding],
    tree: ast.Module,
    nodes: Iterable[ast.AST],
    applies_everywhere: frozenset[str],
    maintainer_script: bool = False,
    management_command: bool = False,
) -> list[Finding]:
    """Findings inside development-only code at low confidence, with the reason in the message.

    Rules in `applies_everywhere` (those that matter in test code too) are left unchanged;
    `maintainer_script` and `management_command` as for `development_spans`.
    """
    findings = list(findings)
    spans = (
        development_spans(tree, nodes, maintainer_script, management_command) if findings else []
    )
    if not spans:
        return findings
    rated = []
    for finding in findings:
        line = finding.location.line
        span = next((s for s in spans if s.first <= line <= s.last), None)
        if span is None or finding.rule_id in applies_everywhere or _exposes_data(span, finding):
            rated.append(finding)
            continue
        rated.append(
            finding._replace(
                confidence=Confidence.LOW,
                message=f"{finding.message} (Low confidence: this code runs only {span.where}.)",
                tags=(*finding.tags, span.tag),
            )
        )
    return rated


def _exposes_data(span: DevelopmentSpan, finding: Finding) -> bool:
    """Whether a management command's finding is one of `_EXPOSURE_CWES`: kept as rated."""
    return span.tag == COMMAND_TAG and finding.cwe in _EXPOSURE_CWES
