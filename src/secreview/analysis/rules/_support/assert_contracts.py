"""Asserts that state a function's contract with its callers rather than decide access.

`assert "Authorization" not in headers` followed by `headers["Authorization"] = f"Bearer
{token}"` in the same function says the caller must not preset the header the function is about
to set: a programming contract, whatever the key is named. Removing it under -O lets a caller's
own header be overwritten, never lets anyone through.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.web_handlers import Function


def fills_what_it_asserts_absent(test: ast.expr, function: Function | None) -> bool:
    """Whether `test` is `"key" not in mapping` and the function then stores `mapping["key"]`."""
    if function is None or not isinstance(test, ast.Compare) or len(test.ops) != 1:
        return False
    key, mapping = test.left, test.comparators[0]
    if not (
        isinstance(test.ops[0], ast.NotIn)
        and isinstance(key, ast.Constant)
        and isinstance(mapping, ast.Name)
    ):
        return False
    return any(
        isinstance(node, ast.Subscript)
        and isinstance(node.ctx, ast.Store)
        and isinstance(node.value, ast.Name)
        and node.value.id == mapping.id
        and isinstance(node.slice, ast.Constant)
        and node.slice.value == key.value
        and node.lineno > test.lineno
        for node in ast.walk(function)
    )
