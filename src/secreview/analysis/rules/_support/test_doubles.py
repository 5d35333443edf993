"""Test doubles shipped beside the code they stand in for.

A class or function named for a stand-in (`MockStripeBillingService`, `FakeMailer`,
`dummy_backend`) answers with made-up values in development and tests: the webhook secret or
API key it hard-codes (`"whsec_123"`) is a placeholder of the double, not a credential of the
real service, as the same value in a test module is.
"""

from __future__ import annotations

import ast

from secreview.analysis.taint.name_words import words_of
from secreview.index.context import ModuleContext

_DOUBLE_WORDS = frozenset({"mock", "mocked", "fake", "dummy", "stub", "stubbed"})


def in_test_double(node: ast.AST, context: ModuleContext) -> bool:
    """Whether `node` lies in a class or function whose name says it is a stand-in."""
    return any(
        isinstance(ancestor, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and bool(words_of(ancestor.name) & _DOUBLE_WORDS)
        for ancestor in context.ancestors(node)
    )
