"""`constant-random-seed` names the security draw its seed fixes, not any draw of the module."""

from __future__ import annotations

from pathlib import Path

from secreview.config import ScanConfig
from secreview.scanner import scan

SOURCE = """import random


def reset_token():
    random.seed(42)
    return "".join(random.choice("abcdef0123456789") for _ in range(32))


def session_id():
    random.seed(0)
    return random.getrandbits(64)


def api_key():
    return random.getrandbits(128)


random.seed(7)
"""


def test_each_seed_names_the_draw_it_fixes(tmp_path: Path) -> None:
    path = tmp_path / "tokens.py"
    path.write_text(SOURCE)
    seeds = {
        finding.location.line: finding
        for finding in scan([path], ScanConfig()).findings
        if finding.rule_id == "constant-random-seed"
    }
    assert sorted(seeds) == [5, 10, 18]
    named = {line: finding.evidence[-1].location.line for line, finding in seeds.items()}
    # its own function's draw (a draw nested in a generator is still the nearest), the next
    # draw after it, and for a seed below every draw the first draw of the module
    assert named == {5: 6, 10: 11, 18: 6}
