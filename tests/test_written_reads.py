"""Finding, in a method's body, the expression that reads a part of a parameter."""

from __future__ import annotations

import ast

from secreview.analysis.taint.written_reads import written_read

METHOD = """\
def value(self, key):
    self.request.cache = {}
    first = self.request.args[key]
    return self.request.args["q"] or self.request.args["q"]
"""


def _function() -> ast.FunctionDef:
    node = ast.parse(METHOD).body[0]
    assert isinstance(node, ast.FunctionDef)
    return node


def test_the_first_read_spelling_the_whole_part_is_found() -> None:
    read = written_read(_function(), "self", (".request", ".args", "q"))
    assert read is not None
    assert (read.lineno, read.col_offset, ast.unparse(read)) == (
        4,
        11,
        "self.request.args['q']",
    )


def test_a_part_never_spelled_out_or_only_written_is_not_found() -> None:
    function = _function()
    assert written_read(function, "self", (".request", ".cache")) is None
    assert written_read(function, "self", (".request", ".args", "key")) is None
    assert written_read(function, "key", (".request",)) is None
    assert written_read(function, "self", ()) is None
