"""The engine's one walk: each node goes to the rules of its type, a call only to the rules that
judge every call or name it (`Rule.calls`), its method (`Rule.methods`) or one of its keywords
(`Rule.call_keywords`), and the taint
prefilter reads a module once."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path, PurePath
from typing import Any

import pytest
from test_rule_fixtures import FIXTURE_FILES, RULE_FIXTURES, fixture_config

from secreview import pipeline
from secreview.analysis.engine import run_rules
from secreview.analysis.models import default_models
from secreview.analysis.rule import Hit, Rule, rule
from secreview.analysis.rules import ALL_RULES
from secreview.analysis.taint import AnalysisContext
from secreview.analysis.taint.input_clues import input_clues
from secreview.findings import Confidence, Severity
from secreview.index.facts import module_name_for
from secreview.pipeline import review_source
from secreview.sources.reading import read_source

SOURCE = "import os\nimport subprocess\nos.system(cmd)\nsubprocess.run(cmd)\nprint(cmd)\n"


def _recording_rule(
    rule_id: str,
    seen: list[str],
    calls: frozenset[str] = frozenset(),
    methods: frozenset[str] = frozenset(),
    **declared: Any,
) -> Rule:
    """A rule that reports every node it is handed (calls unless `visits` says otherwise), and
    notes the node's text in `seen`; `declared` are the other `rule()` declarations."""

    @rule(
        id=rule_id,
        name="Records nodes",
        cwe=78,
        severity=Severity.LOW,
        confidence=Confidence.LOW,
        summary="s",
        fix="f",
        what_it_does="w",
        why_bad="b",
        example="e",
        use_instead="u",
        references=(),
        calls=calls,
        methods=methods,
        **declared,
    )
    def check(node: ast.AST, context: AnalysisContext) -> Iterator[Hit]:
        seen.append(context.segment(node))
        yield Hit(node, "a node")

    return check


def _context() -> AnalysisContext:
    return AnalysisContext(path="app.py", text=SOURCE, tree=ast.parse(SOURCE))


def test_a_rule_naming_its_calls_sees_only_those_calls() -> None:
    seen: list[str] = []
    named = _recording_rule("named", seen, frozenset({"os.system", "os.popen"}))
    findings, crashes = run_rules(_context(), [named])
    assert seen == ["os.system(cmd)"]
    assert [f.location.line for f in findings] == [3]
    assert crashes == []


def test_a_rule_naming_no_call_sees_every_call_beside_one_that_names_them() -> None:
    every: list[str] = []
    some: list[str] = []
    rules = [
        _recording_rule("every", every, frozenset()),
        _recording_rule("some", some, frozenset({"subprocess.run"})),
    ]
    findings, _ = run_rules(_context(), rules)
    assert sorted(every) == ["os.system(cmd)", "print(cmd)", "subprocess.run(cmd)"]
    assert some == ["subprocess.run(cmd)"]
    assert sorted((f.rule_id, f.location.line) for f in findings) == [
        ("every", 3),
        ("every", 4),
        ("every", 5),
        ("some", 4),
    ]


def test_a_rule_naming_methods_sees_calls_of_those_methods_or_of_its_names() -> None:
    text = "import os\nos.system(cmd)\nresponse.set_cookie(k, v)\nos.set_cookie(k)\nprint(k)\n"
    context = AnalysisContext(path="app.py", text=text, tree=ast.parse(text))
    by_method: list[str] = []
    either: list[str] = []
    rules = [
        _recording_rule("method", by_method, frozenset(), frozenset({"set_cookie"})),
        _recording_rule("either", either, frozenset({"os.system"}), frozenset({"set_cookie"})),
    ]
    run_rules(context, rules)
    assert sorted(by_method) == ["os.set_cookie(k)", "response.set_cookie(k, v)"]
    assert sorted(either) == ["os.set_cookie(k)", "os.system(cmd)", "response.set_cookie(k, v)"]


def test_a_rule_naming_keywords_sees_calls_given_them_whatever_their_name() -> None:
    text = (
        "import os\nos.system(cmd)\nutils.execute(cmd, shell=True)\nrun(cmd, shell=False)\n"
        "run(cmd, check=True)\nrun(**options)\n"
    )
    context = AnalysisContext(path="app.py", text=text, tree=ast.parse(text))
    seen: list[str] = []
    flagged = _recording_rule(
        "flagged", seen, frozenset({"os.system"}), call_keywords=frozenset({"shell"})
    )
    findings, _ = run_rules(context, [flagged])
    assert sorted(seen) == [
        "os.system(cmd)",
        "run(cmd, shell=False)",
        "utils.execute(cmd, shell=True)",
    ]
    assert sorted(f.location.line for f in findings) == [2, 3, 4]


def test_a_rule_gated_by_imports_judges_calls_only_where_one_is_imported() -> None:
    gated: list[str] = []
    named: list[str] = []
    rules = [
        _recording_rule("gated", gated, call_imports=("tarfile", "subprocess")),
        _recording_rule(
            "named", named, frozenset({"os.system"}), call_imports=("shutil", "os.path")
        ),
    ]
    findings, _ = run_rules(_context(), rules)
    assert sorted(gated) == ["os.system(cmd)", "print(cmd)", "subprocess.run(cmd)"]
    assert named == []  # `import os` is not `import os.path`
    assert {f.rule_id for f in findings} == {"gated"}
    text = "import os\nos.system(cmd)\n"
    other = AnalysisContext(path="tool.py", text=text, tree=ast.parse(text))
    assert run_rules(other, rules) == ([], [])  # the same rules, a module meeting neither gate


def test_a_rule_gated_by_words_runs_only_on_modules_whose_text_holds_one() -> None:
    seen: list[str] = []
    rules = [
        _recording_rule("spelled", seen, text_words=("nowhere", "subprocess")),
        _recording_rule("unspelled", seen, text_words=("DEBUG", "cookie")),
    ]
    findings, _ = run_rules(_context(), rules)
    assert {f.rule_id for f in findings} == {"spelled"}
    assert sorted(seen) == ["os.system(cmd)", "print(cmd)", "subprocess.run(cmd)"]


def test_a_rule_naming_identifiers_sees_only_names_and_attributes_spelling_them() -> None:
    text = "import ssl\nx = ssl.CERT_NONE\ny = CERT_NONE\nz = other.value\n"
    context = AnalysisContext(path="app.py", text=text, tree=ast.parse(text))
    seen: list[str] = []
    everything: list[str] = []
    watched = frozenset({"CERT_NONE"})
    named = _recording_rule("named", seen, visits=(ast.Name, ast.Attribute), names=watched)
    every = _recording_rule("every", everything, visits=(ast.Attribute,))
    run_rules(context, [named, every])
    assert sorted(seen) == ["CERT_NONE", "ssl.CERT_NONE"]
    assert sorted(everything) == ["other.value", "ssl.CERT_NONE"]


def test_a_rule_naming_constant_types_sees_only_constants_of_those_types() -> None:
    text = 'x = 1\ny = "text"\nz = None\nw = b"raw"\n'
    context = AnalysisContext(path="app.py", text=text, tree=ast.parse(text))
    seen: list[str] = []
    texts = _recording_rule("texts", seen, visits=(ast.Constant,), constants=(str, bytes))
    run_rules(context, [texts])
    assert sorted(seen) == ['"text"', 'b"raw"']


def test_the_input_clues_are_gathered_once_per_module_and_models() -> None:
    text = "from flask import request\n\ndef view():\n    return request.args['q']\n"
    context = AnalysisContext(path="app.py", text=text, tree=ast.parse(text))
    models = default_models()
    clues = input_clues(context, models)
    assert clues.may_read(frozenset({"remote"}))
    assert input_clues(context, models) is clues


def test_a_module_without_sources_reads_no_input() -> None:
    text = "import os\n\ndef size(path):\n    return os.stat(path).st_size\n"
    context = AnalysisContext(path="tool.py", text=text, tree=ast.parse(text))
    assert not input_clues(context, default_models()).may_read(frozenset({"remote", "local"}))


def test_the_imports_names_constants_and_words_rules_declare_lose_no_finding(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`Rule.call_imports`, `Rule.names`, `Rule.constants` and `Rule.text_words` repeat a
    check's own first tests: on every rule fixture, the findings with them equal those of the
    rules handed every call, name and constant of every module."""
    declared = {path: _fixture_findings(path) for path in FIXTURE_FILES}
    ungated = tuple(
        each._replace(call_imports=(), names=frozenset(), constants=(), text_words=())
        for each in ALL_RULES
    )
    assert ungated != ALL_RULES
    monkeypatch.setattr(pipeline, "ALL_RULES", ungated)
    for path, findings in declared.items():
        assert _fixture_findings(path) == findings, path


def _fixture_findings(path: Path) -> list[tuple[str, int, int, str]]:
    text = read_source(path)
    shown_as = str(path.relative_to(RULE_FIXTURES))
    report = review_source(
        text, shown_as, fixture_config(text), module=module_name_for(PurePath(shown_as))
    )
    return [(f.rule_id, f.location.line, f.location.column, f.message) for f in report.findings]
