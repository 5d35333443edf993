"""The r12c review-defect cases match their generator, and each is told apart from its twin.

benchmarks/corpus/review-defects/r12c/ is written by its generate.py; the files are committed.
The cases run with every rule enabled, since the corpus measures what the rules can find.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from secreview.analysis.rules import RULES_BY_ID
from secreview.config import ScanConfig
from secreview.pipeline import review_source

CORPUS = (
    Path(__file__).resolve().parent.parent / "benchmarks" / "corpus" / "review-defects" / "r12c"
)


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("review_defects_r12c", CORPUS / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GENERATOR = _generator()


def test_committed_cases_and_labels_match_the_generator() -> None:
    rows = []
    for category, shape, vulnerable, safe in GENERATOR.PAIRS:
        for truth, code in (("vuln", vulnerable), ("safe", safe)):
            name = f"rd_{category}_{shape}_{truth}"
            path = CORPUS / "cases" / category / f"{name}.py"
            assert path.read_text(encoding="utf-8") == code, path
            rows.append(f"{name},{category},{str(truth == 'vuln').lower()},")
    labels = (CORPUS / "expected-r12c.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert [label.rsplit(",", 1)[0] + "," for label in labels] == rows


@pytest.mark.parametrize("category", sorted(GENERATOR.CATEGORIES))
def test_vulnerable_cases_are_reported_and_safe_twins_are_not(category: str) -> None:
    cwe = GENERATOR.CATEGORIES[category]
    config = ScanConfig(enabled_rules=frozenset(RULES_BY_ID))
    wrong = []
    for case_category, shape, vulnerable, safe in GENERATOR.PAIRS:
        if case_category != category:
            continue
        for truth, code in ((True, vulnerable), (False, safe)):
            report = review_source(code, f"{shape}.py", config)
            if any(f.cwe == cwe for f in report.findings) != truth:
                wrong.append(f"{shape} ({'vulnerable' if truth else 'safe'})")
    assert not wrong, wrong
