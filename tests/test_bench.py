"""The benchmark arithmetic on a tiny hand-made corpus, and the `bench` command end to end."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from secreview.bench.command import bench_command
from secreview.bench.scoring import (
    Expectation,
    ExpectedResultsError,
    overall,
    read_expected,
    render_table,
    score,
)

EXPECTED = {
    "a": Expectation("a", "cmdi", True, 78),
    "b": Expectation("b", "cmdi", False, 78),
    "c": Expectation("c", "cmdi", True, 78),
    "d": Expectation("d", "codeinj", True, 94),
    "e": Expectation("e", "codeinj", False, 94),
}


def test_confusion_matrix_and_rates() -> None:
    reported = {"a": {78}, "b": {78}, "c": {89}, "d": {95}, "e": set()}
    cmdi, codeinj = score(EXPECTED, reported)
    assert (cmdi.tp, cmdi.fn, cmdi.fp, cmdi.tn) == (1, 1, 1, 0)
    assert cmdi.tpr == 0.5 and cmdi.fpr == 1.0 and cmdi.score == -0.5
    assert (codeinj.tp, codeinj.fn, codeinj.fp, codeinj.tn) == (1, 0, 0, 1)  # CWE-95 counts
    assert codeinj.score == 1.0
    total = overall([cmdi, codeinj])
    assert total.precision == pytest.approx(2 / 3)
    assert total.recall == pytest.approx(2 / 3)
    assert total.f1 == pytest.approx(2 / 3)
    table = render_table("tool", [cmdi, codeinj])
    assert "cmdi" in table and "-0.50" in table and "F1 0.667" in table


def test_empty_categories_have_zero_rates() -> None:
    (only,) = score({"x": Expectation("x", "sqli", False, 89)}, {})
    assert only.tpr == 0.0 and only.fpr == 0.0
    assert overall([only]).f1 == 0.0


def test_expected_csv_format(tmp_path: Path) -> None:
    path = tmp_path / "expected.csv"
    path.write_text(
        "# test name, category, real vulnerability, cwe\n"
        "case1,sqli,true,89\n\ncase2,sqli,FALSE,89\n",
        encoding="utf-8",
    )
    assert read_expected(path) == {
        "case1": Expectation("case1", "sqli", True, 89),
        "case2": Expectation("case2", "sqli", False, 89),
    }
    path.write_text("case1,sqli,maybe,89\n", encoding="utf-8")
    with pytest.raises(ExpectedResultsError, match="true/false"):
        read_expected(path)


def test_bench_command_scores_a_tiny_corpus(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    head = "import os\nfrom flask import Flask, request\napp = Flask(__name__)\n"
    (corpus / "cmd_vuln.py").write_text(
        head + "@app.route('/')\ndef v():\n    os.system(request.args['c'])\n    return ''\n",
        encoding="utf-8",
    )
    (corpus / "cmd_safe.py").write_text(
        head + "@app.route('/')\ndef v():\n    os.system('ls')\n    return ''\n", encoding="utf-8"
    )
    expected = tmp_path / "expected.csv"
    expected.write_text(
        "# test name, category, real vulnerability, cwe\n"
        "cmd_vuln,cmdi,true,78\ncmd_safe,cmdi,false,78\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        bench_command, [str(corpus), "--expected", str(expected), "--rules", "taint"]
    )
    assert result.exit_code == 0, result.output
    assert "cmdi" in result.output
    assert "precision 1.000  recall 1.000  F1 1.000" in result.output
