"""The review-defects corpus matches its generator, pairs every case with a safe twin, and scores.

benchmarks/corpus/review-defects/ is written by its generate.py from case_library.py; the files
are committed. These tests regenerate each case in memory and compare, check that each vulnerable
file has a twin that differs from it, and that the labels name the CWE the category's rule reports.
"""

from __future__ import annotations

import ast
import csv
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from secreview.analysis.rules import RULES_BY_ID
from secreview.config import ScanConfig
from secreview.pipeline import review_source

CORPUS = Path(__file__).resolve().parent.parent / "benchmarks" / "corpus" / "review-defects"
EVERY_RULE = ScanConfig(enabled_rules=frozenset(RULES_BY_ID))
"""The corpus measures what the rules find, so rules off by default run too."""


def _generator() -> ModuleType:
    sys.path.insert(0, str(CORPUS))
    try:
        spec = importlib.util.spec_from_file_location(
            "review_defects_generate", CORPUS / "generate.py"
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(CORPUS))


def _labels() -> list[tuple[str, str, bool, int]]:
    with (CORPUS / "expected.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.reader(handle) if r and not r[0].startswith("#")]
    return [(name, category, truth == "true", int(cwe)) for name, category, truth, cwe in rows]


def test_committed_cases_match_the_generator() -> None:
    generator = _generator()
    for raw in generator.CASES:
        case = generator.Case(*raw)
        for vulnerable, suffix in ((True, "vuln"), (False, "safe")):
            path = CORPUS / "cases" / case.category / f"rd_{case.category}_{case.name}_{suffix}.py"
            assert path.read_text(encoding="utf-8") == generator.render(case, vulnerable), path


def test_every_vulnerable_case_has_a_different_safe_twin_that_parses() -> None:
    labels = _labels()
    names = {name for name, *_ in labels}
    assert len(labels) >= 60
    for name, category, vulnerable, _ in labels:
        path = CORPUS / "cases" / category / f"{name}.py"
        ast.parse(path.read_text(encoding="utf-8"))
        if vulnerable:
            twin = name.removesuffix("_vuln") + "_safe"
            assert twin in names, f"{name} has no safe twin"
            twin_path = CORPUS / "cases" / category / f"{twin}.py"
            assert path.read_text(encoding="utf-8") != twin_path.read_text(encoding="utf-8")


@pytest.mark.parametrize("category", sorted({label[1] for label in _labels()}))
def test_each_category_is_told_apart_from_its_twins(category: str) -> None:
    """Vulnerable cases are reported with the category's CWE, and their safe twins are not."""
    wrong = []
    for name, case_category, vulnerable, cwe in _labels():
        if case_category != category:
            continue
        path = CORPUS / "cases" / category / f"{name}.py"
        report = review_source(path.read_text(encoding="utf-8"), path.name, EVERY_RULE)
        reported = any(f.cwe == cwe for f in report.findings)
        if reported != vulnerable:
            wrong.append(name)
    assert not wrong, wrong
