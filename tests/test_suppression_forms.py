"""Suppression comments that cannot work are reported; `# nosec B602` is as narrow as Bandit's."""

from __future__ import annotations

import tomllib
from importlib import resources

from click.testing import CliRunner

from secreview.analysis.rules import RULES_BY_ID
from secreview.cli import cli
from secreview.config import ScanConfig
from secreview.pipeline import review_source

CALL = "    subprocess.run(cmd, shell=True)"


def review(body: str, *, honour_nosec: bool = False) -> list[tuple[int, str, str]]:
    text = f"import hashlib\nimport subprocess\n\n\ndef run(cmd):\n{body}\n"
    report = review_source(text, "app.py", ScanConfig(honour_nosec=honour_nosec))
    return [(f.location.line, f.rule_id, f.message) for f in report.findings]


def problems(body: str, **options: bool) -> list[str]:
    return [message for _, rule, message in review(body, **options) if rule == "bad-suppression"]


def test_a_bare_ignore_is_reported_and_suppresses_nothing() -> None:
    found = {rule: message for _, rule, message in review(f"{CALL}  # secreview: ignore")}
    assert set(found) == {"bad-suppression", "shell-command-injection"}
    assert "without [RULE-ID] suppresses nothing" in found["bad-suppression"]


def test_a_star_an_unknown_rule_and_a_cwe_id_are_reported() -> None:
    (star,) = problems(f"{CALL}  # secreview: ignore[*] all fine")
    assert "no blanket suppression" in star
    (typo,) = problems(f"{CALL}  # secreview: ignore[shell-comand-injection] typo")
    assert "did you mean shell-command-injection" in typo
    (cwe,) = problems(f"{CALL}  # secreview: ignore[CWE-78] reviewed")
    assert "CWE-78 is a weakness, not a rule id" in cwe and "shell-command-injection" in cwe
    (other,) = problems(f"{CALL}  # secreview: disable[shell-command-injection]")
    assert "not a suppression secreview reads" in other


def test_a_well_formed_suppression_is_not_a_problem() -> None:
    found = review(f"{CALL}  # secreview: ignore[shell-command-injection] constant command")
    assert found == []


def test_nosec_with_a_bandit_id_suppresses_only_the_mapped_rules() -> None:
    line = "    subprocess.run(hashlib.md5(cmd.encode()).hexdigest(), shell=True)"
    assert {r for _, r, _ in review(f"{line}  # nosec", honour_nosec=True)} == set()
    narrow = {r for _, r, _ in review(f"{line}  # nosec B602", honour_nosec=True)}
    assert narrow == {"weak-hash"}
    (unknown,) = problems(f"{CALL}  # nosec B999", honour_nosec=True)
    assert "B999" in unknown and "suppresses nothing" in unknown
    # without --honour-nosec a nosec comment is neither a suppression nor a problem
    assert {r for _, r, _ in review(f"{CALL}  # nosec B602")} == {"shell-command-injection"}


def test_the_bandit_table_maps_to_real_rules_and_explain_shows_it() -> None:
    text = resources.files("secreview.data").joinpath("bandit_map.toml").read_text("utf-8")
    table = tomllib.loads(text)
    assert {rule for entry in table.values() for rule in entry["rules"]} <= set(RULES_BY_ID)
    result = CliRunner().invoke(cli, ["explain", "B602"])
    assert result.exit_code == 0
    assert "shell-command-injection" in result.output and "tainted-command" in result.output
