"""The package is built in layers: each module imports only from its own layer or those below.

A newcomer can then read the code bottom-up, and a change to a rule can never reach into the
engine's or the scanner's state. The imports are read from the source text (nothing imported),
lazy imports inside functions included; only `if TYPE_CHECKING:` imports are left out, since they
never run.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src"

LAYERS: tuple[tuple[str, ...], ...] = (
    # Text, data and parsing: know nothing of what is reviewed or how.
    (
        "secreview",
        "secreview.text",
        "secreview.patterns",
        "secreview.cwe",
        "secreview.index.facts",
        "secreview.parse",
    ),
    ("secreview.findings",),
    ("secreview.credentials", "secreview.masking"),
    # Reading input, running work in isolated processes.
    ("secreview.sources", "secreview.workers", "secreview.output_file"),
    ("secreview.distributed",),
    # What is known about one module before any rule runs.
    ("secreview.index",),
    # The analyses, from API models up to the runner of rules.
    ("secreview.analysis", "secreview.analysis.models"),
    ("secreview.analysis.taint",),
    ("secreview.analysis.rule",),
    ("secreview.analysis.rules",),
    ("secreview.analysis.engine",),
    # Settings and the context of a finding (test code, suppressions, baselines).
    ("secreview.config", "secreview.context"),
    # Results kept between runs, by what they were computed from.
    ("secreview.cache",),
    # Review one file, then many, then a change.
    ("secreview.pipeline",),
    ("secreview.tasks",),
    (
        "secreview.scanner",
        "secreview.summary_rounds",
        "secreview.project_pickles",
        "secreview.project_aliases",
        "secreview.project_constants",
        "secreview.project_log_format",
        "secreview.project_log_library",
        "secreview.project_scripts",
        "secreview.project_debug_helpers",
        "secreview.project_facts",
        "secreview.project_prepasses",
        "secreview.project_routes",
    ),
    ("secreview.review", "secreview.bench", "secreview.llm"),
    # What people and machines see.
    ("secreview.report",),
    ("secreview.commands",),
    ("secreview.cli", "secreview.__main__"),
)


def module_names() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    found: dict[str, Path] = {}
    for path in sorted((SOURCE / "secreview").rglob("*.py")):
        parts = list(path.relative_to(SOURCE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def layer_of(module: str) -> int:
    """The layer of the longest prefix of `module` that `LAYERS` names."""
    best, depth = -1, -1
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            matches = module == prefix or module.startswith(prefix + ".")
            if matches and prefix.count(".") > depth:
                best, depth = index, prefix.count(".")
    if best < 0:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS")
    return best


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _statements(body: list[ast.stmt]) -> Iterator[ast.AST]:
    """Every node under `body`, skipping `if TYPE_CHECKING:` blocks."""
    for statement in body:
        if isinstance(statement, ast.If) and _type_checking_only(statement):
            yield from _statements(statement.orelse)
            continue
        yield from ast.walk(statement)


def imports_of(module: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that `module` imports (`from pkg import name` counts as the
    submodule `pkg.name` where there is one, else as `pkg`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in _statements(tree.body):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in known else base)
    return {name for name in found if name in known and name != module}


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    modules = module_names()
    known = set(modules)
    return {name: imports_of(name, path, known) for name, path in modules.items()}


def test_every_module_has_a_layer(graph: dict[str, set[str]]) -> None:
    for module in graph:
        layer_of(module)


def test_no_module_imports_from_a_layer_above_its_own(graph: dict[str, set[str]]) -> None:
    upward = sorted(
        f"{module} (layer {layer_of(module)}) imports {target} (layer {layer_of(target)})"
        for module, targets in graph.items()
        for target in targets
        if layer_of(target) > layer_of(module)
    )
    assert upward == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph[target]))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_no_import_cycles(graph: dict[str, set[str]]) -> None:
    assert _cycles(graph) == []


def test_the_checks_see_a_cycle_and_an_upward_import() -> None:
    """The checks themselves: a planted cycle is found, and a rule importing the scanner is
    above its layer."""
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert layer_of("secreview.scanner") > layer_of("secreview.analysis.rules.weak_crypto")
    assert layer_of("secreview.index.facts") < layer_of("secreview.findings")


def test_no_module_is_over_400_lines() -> None:
    """Generated data (the CWE catalog) is JSON, not Python, so every module counts."""
    long = sorted(
        f"{path.relative_to(SOURCE)}: {lines} lines"
        for path in (SOURCE / "secreview").rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 400
    )
    assert long == []
