"""The cross-module pass's second review runs only the rules that use the project's summaries.

Every other rule's findings cannot change when other modules' summaries are known, so the first
pass keeps them (`FileReport.local_findings`) and the second review joins them to what the
rules that do use the summaries (`Rule.uses_project_summaries`) find again. That must give the
very report running every rule again gives; these tests hold the flag and the join to it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from secreview import scanner
from secreview.analysis.engine import rule_findings
from secreview.analysis.rules import ALL_RULES
from secreview.analysis.taint import AnalysisContext, ProjectIndex, TaintSetup
from secreview.config import ScanConfig
from secreview.parse import parse_module
from secreview.pipeline import review_file, review_source
from secreview.scanner import scan
from secreview.sources.discovery import discover
from secreview.summary_rounds import project_index

RULE_FIXTURES = sorted((Path(__file__).parent / "fixtures" / "rules").rglob("*.py"))


def test_a_rule_that_does_not_use_project_summaries_never_asks_the_taint_analysis() -> None:
    """The taint analysis is what reads other modules' summaries: a rule that asks it (itself,
    through `data_origin`, or through the engine for `needs_untrusted_input`) must say so."""
    local_rules = [r for r in ALL_RULES if not r.uses_project_summaries]
    assert local_rules and len(local_rules) < len(ALL_RULES)
    for path in RULE_FIXTURES:
        text = path.read_text(encoding="utf-8")
        tree = parse_module(text, str(path)).tree
        assert tree is not None
        context = AnalysisContext(path=str(path), text=text, tree=tree, taint_setup=TaintSetup())
        rule_findings(context, local_rules)
        assert context.taint is None, f"a rule without uses_project_summaries asked in {path}"


def test_taint_rules_and_rules_needing_untrusted_input_use_project_summaries() -> None:
    for each in ALL_RULES:
        if each.follows_data_flow or each.needs_untrusted_input:
            assert each.uses_project_summaries, each.id


@pytest.mark.parametrize("path", RULE_FIXTURES, ids=lambda p: p.name)
def test_joining_the_first_pass_gives_what_every_rule_gives(path: Path) -> None:
    """On every rule fixture that reads network input: superseding, suppressions, test code and
    order come out the same as when every rule runs again (here with an empty project)."""
    text = path.read_text(encoding="utf-8")
    shown = f"app/{path.name}"
    first = review_source(text, shown, module="app.module")
    if first.local_findings is None:
        assert first.facts is None or not first.facts.reads_remote_input or first.error
        return
    project = ProjectIndex()
    joined = review_source(
        text, shown, module="app.module", project=project, local_findings=first.local_findings
    )
    assert joined == review_source(text, shown, module="app.module", project=project)
    assert joined.local_findings is None


HELPERS = """\
import hashlib
import subprocess


def run_report(name):
    return subprocess.check_output("report " + name, shell=True)


def fingerprint(value):
    return hashlib.md5(value.encode()).hexdigest()
"""
VIEWS = """\
import hashlib
import subprocess

import requests
from flask import Flask, request

from .helpers import fingerprint, run_report

app = Flask(__name__)


@app.route("/report")
def report():
    name = request.args["name"]
    digest = hashlib.md5(name.encode()).hexdigest()
    requests.get("https://example.com/" + digest, verify=False)
    subprocess.run("echo " + name, shell=True)  # secreview: ignore[weak-hash] no reason needed
    return run_report(name) + fingerprint(name)
"""


def _write_package(root: Path) -> None:
    """A two-module package whose view reaches a sink through a helper in the other module."""
    package = root / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "helpers.py").write_text(HELPERS)
    (package / "views.py").write_text(VIEWS)


def test_a_second_review_with_summaries_equals_running_every_rule(tmp_path: Path) -> None:
    _write_package(tmp_path)
    config = ScanConfig()
    sources, _ = discover([str(tmp_path)], config.excludes)
    index, failed = project_index(sources, config, 1)
    assert failed == {} and index.summaries
    (views,) = [s for s in sources if s.module == "app.views"]

    def review(project: ProjectIndex | None, local: object = None) -> object:
        return review_file(
            views.path, views.shown_as, config, views.module, project, local_findings=local
        )

    first = review(None)
    assert first.local_findings  # weak hash, TLS verification: rules that read no other module
    everything = review(index)
    assert everything != first  # the summaries add the flow into run_report
    assert review(index, first.local_findings) == everything


def test_a_scan_result_keeps_no_local_findings(tmp_path: Path) -> None:
    _write_package(tmp_path)
    (tmp_path / "alone.py").write_text("from flask import request\n\nx = request.args['a']\n")
    result = scan([str(tmp_path)], ScanConfig(), jobs=1)
    assert any(f.rule_id == "tainted-command" for f in result.findings)
    assert all(report.local_findings is None for report in result.files)


def test_without_a_rule_that_uses_summaries_the_cross_module_pass_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write_package(tmp_path)

    def no_index(*_: object, **__: object) -> None:
        raise AssertionError("the project was summarised")

    monkeypatch.setattr(scanner, "project_index", no_index)
    config = ScanConfig(enabled_rules=frozenset({"weak-hash", "tls-verification-disabled"}))
    result = scan([str(tmp_path)], config, jobs=1)
    assert {f.rule_id for f in result.findings} == {"weak-hash", "tls-verification-disabled"}
