"""Asserts that state a function's contract with its callers rather than decide access.

`assert "Authorization" not in headers` followed by `headers["Authorization"] = f"Bearer
{token}"` in the same function says the caller must not preset the header the function is about
to set: a programming contract, whatever the key is named. Removing it under -O lets a caller's
own header be overwritten, never lets anyone through.

`assert HasRepoPermissionLevel` of a name the module imports (or defines with `def`/`class`)
tests an object that is always true: a common way to mark an import as used for pyflakes, or
that an optional import succeeded. It calls nothing and decides nothing, whatever the name says.
"""

from __future__ import annotations

import ast
import re

from secreview.analysis.rules._support.web_handlers import Function
from secreview.index.context import ModuleContext
from secreview.patterns import lazy_pattern

# Words of an assert message written for the programmer who configured or subclassed the code
# ("no ordering attribute was declared on the pagination class"), not for a user or a client.
_DEVELOPER_WORDS = frozenset(
    {
        "declare", "declared", "attribute", "attributes", "subclass", "subclasses", "override",
        "overridden", "configure", "configured", "configuration", "setting", "settings",
        "support", "supports", "supported", "implement", "implemented", "misconfigured",
    }
)  # fmt: skip
_EXPECTED_BUT_GOT = lazy_pattern(r"\bexpected\b.*\bgot\b", re.IGNORECASE | re.DOTALL)


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


def names_a_definition(test: ast.expr, context: ModuleContext) -> bool:
    """Whether `test` only names an imported object or a module-level function or class."""
    root = test
    while isinstance(root, ast.Attribute):
        root = root.value
    if not isinstance(root, ast.Name) or context.is_local_name(root):
        return False
    if root is test and any(
        isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        and statement.name == root.id
        for statement in context.tree.body
    ):
        return True
    return root.id in context.import_aliases and context.resolve(test) is not None


def addresses_developer(message: ast.expr | None) -> bool:
    """Whether the assert's message tells a programmer how they misconfigured the code: a
    programming contract, failing on a wrong class attribute or setting the same on every
    request, so it is low confidence as a security check."""
    if message is None:
        return False
    text = " ".join(
        n.value
        for n in ast.walk(message)
        if isinstance(n, ast.Constant) and isinstance(n.value, str)
    )
    words = {w.lower() for w in re.findall(r"[A-Za-z]+", text)}
    return bool(words & _DEVELOPER_WORDS) or _EXPECTED_BUT_GOT.search(text) is not None
