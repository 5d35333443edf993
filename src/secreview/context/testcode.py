"""Decide whether a file is test code.

Most weaknesses in tests cannot be reached by an attacker (a mocked `verify=False` talks to no
server), so findings there become notes; the decision is made per file, from its path and from
whether the module is built on a test framework.
"""

from __future__ import annotations

import ast
from pathlib import PurePosixPath

_TEST_DIRECTORIES = frozenset({"test", "tests", "testing", "functional_tests", "unit_tests"})
_TEST_FRAMEWORKS = frozenset(
    {"unittest", "pytest", "mock", "nose", "nose2", "testtools", "hypothesis"}
)


def is_test_path(path: str) -> bool:
    """Whether the path alone says test code (tests/ folders, test_*.py, *_test.py, conftest.py)."""
    pure = PurePosixPath(path.replace("\\", "/"))
    name = pure.name
    if name == "conftest.py" or name.startswith("test_") or name.endswith("_test.py"):
        return True
    return any(part.lower() in _TEST_DIRECTORIES for part in pure.parts[:-1])


def uses_test_framework(tree: ast.Module) -> bool:
    """Whether the module imports a test framework at top level (a test module outside tests/)."""
    for statement in tree.body:
        if isinstance(statement, ast.Import):
            modules = [alias.name for alias in statement.names]
        elif isinstance(statement, ast.ImportFrom) and statement.module:
            modules = [statement.module]
        else:
            continue
        if any(module.split(".")[0] in _TEST_FRAMEWORKS for module in modules):
            return True
    return False


def is_test_code(path: str, tree: ast.Module | None) -> bool:
    """Path or framework says this file is test code."""
    return is_test_path(path) or (tree is not None and uses_test_framework(tree))
