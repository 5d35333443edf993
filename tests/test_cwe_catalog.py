"""The CWE catalog: every name and pillar comes from MITRE's data, none typed by hand."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from secreview.analysis.rule import rule
from secreview.analysis.rules import ALL_RULES
from secreview.cwe import PILLARS, UnknownCWEError, all_weaknesses, lookup
from secreview.findings import Confidence, Severity

ROOT = Path(__file__).resolve().parent.parent


def test_known_entries_have_mitre_names_and_pillars() -> None:
    assert lookup(89).name.startswith("Improper Neutralization of Special Elements used in an SQL")
    assert lookup(89).pillar == 707
    assert lookup(502).pillar == 664 and lookup(295).pillar == 284
    assert lookup(707).pillar == 707 and lookup(707).pillar_name == "Improper Neutralization"


def test_every_weakness_resolves_to_a_pillar() -> None:
    weaknesses = all_weaknesses()
    assert len(weaknesses) > 900
    assert {w.pillar for w in weaknesses} == set(PILLARS)


def test_every_rule_reports_a_catalogued_cwe() -> None:
    for each in ALL_RULES:
        assert lookup(each.cwe).pillar in PILLARS


def test_unknown_cwe_is_a_clear_error() -> None:
    with pytest.raises(UnknownCWEError, match="CWE-999999"):
        lookup(999999)


def test_a_rule_naming_an_unknown_cwe_fails_where_it_is_declared() -> None:
    with pytest.raises(UnknownCWEError, match="CWE-999999"):
        rule(
            id="made-up",
            name="made up",
            cwe=999999,
            severity=Severity.LOW,
            confidence=Confidence.LOW,
            summary="",
            fix="",
            what_it_does="",
            why_bad="",
            example="",
            use_instead="",
            references=(),
        )


def test_committed_catalog_matches_the_generator(tmp_path: Path) -> None:
    """Regenerating from cwe2 gives the committed file (run when cwe2 is installed)."""
    pytest.importorskip("cwe2")
    committed = (ROOT / "src/secreview/cwe/catalog.json").read_text(encoding="utf-8")
    output = tmp_path / "catalog.json"
    script = ROOT / "scripts/generate_cwe_catalog.py"
    subprocess.run([sys.executable, str(script), str(output)], check=True, capture_output=True)
    regenerated = output.read_text(encoding="utf-8")
    assert json.loads(regenerated) == json.loads(committed)
