"""A constant repeated past the longest folded constant is refused before it is computed."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from secreview.analysis.taint.semantics import ARITHMETIC
from secreview.config import ScanConfig
from secreview.index.folded_calls import UNKNOWN, bounded_multiply, folded_operator
from secreview.scanner import scan

VIEW = """\
from flask import Flask, request

LARGE_FILE_THRESHOLD = 2 * 1024 * 1024 * 1024
app = Flask(__name__)


@app.route("/upload")
def upload():
    document = b"0" * (LARGE_FILE_THRESHOLD + 1)
    return request.args["name"] + str(len(document))
"""


def test_a_two_gigabyte_repetition_is_not_built_and_the_file_is_reviewed(tmp_path: Path) -> None:
    """Stop 53's taint engine computed the 2 GiB bytes and then found it too long: the file
    went over its memory budget and was not reviewed."""
    (tmp_path / "views.py").write_text(VIEW)
    result = scan([str(tmp_path)], ScanConfig(), jobs=1)
    assert result.errors == ()
    assert [f.rule_id for f in result.findings] == ["xss"]


@pytest.mark.parametrize(("left", "right"), [(b"0", 2**31), (10**6, "ab"), ([1], 10**9)])
def test_a_long_repetition_raises_and_folds_to_unknown(left: object, right: object) -> None:
    with pytest.raises(OverflowError):
        bounded_multiply(left, right, 10_000)
    with pytest.raises(OverflowError):
        ARITHMETIC[ast.Mult](left, right)
    assert folded_operator(ast.Mult(), left, right) is UNKNOWN


def test_short_repetitions_and_numbers_still_fold() -> None:
    assert folded_operator(ast.Mult(), "ab", 3) == "ababab"
    assert ARITHMETIC[ast.Mult](2**40, 2**40) == 2**80
    assert ARITHMETIC[ast.Mult]((1,), 2) == (1, 1)
