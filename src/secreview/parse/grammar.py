"""tree-sitter's Python grammar, and a parse that always ends.

tree-sitter parses in linear time, but its error recovery on adversarial input can take long:
a parse is abandoned after a fixed budget plus one second per megabyte of source, counted in
the process's CPU time so that a busy machine does not decide which files are parsed.
"""

from __future__ import annotations

import time

import tree_sitter_python
from tree_sitter import Language, Parser, Tree

_PYTHON = Language(tree_sitter_python.language())

BUDGET_SECONDS = 5.0
_CHUNK_BYTES = 1 << 16


class ParseTimeoutError(Exception):
    """tree-sitter did not finish parsing within its time budget."""


def parse_source(source: bytes, budget_seconds: float = BUDGET_SECONDS) -> Tree:
    """Parse UTF-8 Python source with tree-sitter; raise ParseTimeoutError past the budget."""
    parser = Parser(_PYTHON)  # a Parser is not thread-safe; creating one costs microseconds
    deadline = time.process_time() + budget_seconds + len(source) / 1_000_000

    def read(offset: int, _point: object) -> bytes:
        return source[offset : offset + _CHUNK_BYTES]

    def cancelled(_offset: int, _has_error: bool) -> bool:
        return time.process_time() > deadline

    try:
        return parser.parse(read, progress_callback=cancelled)
    except ValueError:  # what py-tree-sitter raises when the progress callback cancels
        raise ParseTimeoutError(f"tree-sitter gave up after {budget_seconds:.0f} seconds") from None
