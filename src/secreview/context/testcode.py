"""Decide whether a file is test code.

Most weaknesses in tests cannot be reached by an attacker (a mocked `verify=False` talks to no
server), so findings there become notes; the decision is made per file, from its path and from
whether the module is built on a test framework.

What counts, by path (each a convention whose only purpose is testing or measuring):
- folders named `test`, `tests`, `testing`, `fixtures`, `e2e` (end-to-end tests driving a
  browser against a test server), a kind of test (`unit_tests`, `integration_test`,
  `e2e_tests`) or of load test (`stress_testing`, `loadtest`, `perf_tests`), and benchmark
  folders `bench`, `benchmark`, `benchmarks`;
- modules named `conftest.py`, `tests.py` (Django's per-app tests), `testing.py` (the test
  helpers a library ships: `pyramid.testing`, `pyramid.config.testing`), `testutils.py`,
  `fixture.py` / `fixtures.py` (a test fixture such as `paste.fixture.TestApp`), and any
  `test_*.py`, `*_test.py`, `*_tests.py`, `bench_*.py`, `*_bench.py`, `doctest_*.py`
  (helpers for doctest-testing documents), and settings named for the test run
  (`configuration_testing.py`, `settings_testing.py`, `config_ci.py`).
And, wherever it sits, a module that imports a test framework (`_TEST_FRAMEWORKS`).
A module *named* `testing` is test code even inside a framework's own package: it exists so
that users can test their applications, and what it does (fixed CSRF tokens in a dummy session,
fake requests) is what a test double must do. A module that merely mentions tests elsewhere in
its name (`attestation.py`, `contest.py`, `latest.py`) is not, and neither is one that runs
doctests as a product feature (`sphinx/ext/doctest.py` is named `doctest`, not `doctest_*`).
"""

from __future__ import annotations

import ast
from pathlib import PurePosixPath

_TEST_KINDS = ("unit", "functional", "integration", "e2e", "system", "acceptance", "smoke")
_LOAD_KINDS = ("stress", "load", "perf", "performance", "soak")
_TEST_DIRECTORIES = frozenset(
    {"test", "tests", "testing", "fixtures", "e2e", "bench", "benchmark", "benchmarks"}
    | {f"{kind}{joint}{form}" for kind in _TEST_KINDS + _LOAD_KINDS for joint in ("_", "")
       for form in ("test", "tests", "testing")}
)  # fmt: skip
"""Folders for tests and measurements: `tests/`, `integration_tests/`, `stress_testing/` (a load
generator hammering the project's own server), `loadtest/`. A folder named for another kind of
testing (`ab_testing/`, a product's A/B experiments) is the product's."""
_TEST_MODULES = frozenset({"conftest", "tests", "testing", "testutils", "fixture", "fixtures"})
_TEST_PREFIXES = ("test_", "bench_", "doctest_")
_TEST_SUFFIXES = ("_test", "_tests", "_bench")
_TEST_SETTINGS = frozenset(
    f"{name}_{run}" for name in ("settings", "configuration", "config") for run in ("testing", "ci")
)
"""Settings modules named for the test run (`configuration_testing.py`, `settings_ci.py`): the
configuration a CI job loads, whose keys and passwords guard nothing deployed."""
_TEST_FRAMEWORKS = frozenset(
    {"unittest", "pytest", "mock", "nose", "nose2", "testtools", "hypothesis"}
    | {"behave", "pytest_bdd"}
)
"""Test frameworks a module built on is test code, wherever it sits: behave's and pytest-bdd's
step modules (`features/steps/*.py`, `@then("... {value}")`) take their arguments from the
feature files' text, a specification the project wrote (python-docx's steps `eval` them)."""


def is_test_path(path: str) -> bool:
    """Whether the path alone says test or benchmark code (the conventions the module lists)."""
    pure = PurePosixPath(path.replace("\\", "/"))
    stem = pure.stem.lower() if pure.suffix.lower() in {".py", ".pyw"} else pure.name.lower()
    if stem in _TEST_MODULES or stem.startswith(_TEST_PREFIXES) or stem.endswith(_TEST_SUFFIXES):
        return True
    if stem in _TEST_SETTINGS:
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
