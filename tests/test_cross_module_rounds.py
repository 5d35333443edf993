"""The rounds of the cross-module pass: a worklist, one parse per module, one worker per module.

The pass repeats the summaries of the project's modules until they are stable. Repeating the
work of a module whose inputs did not change, or parsing it again each round, gave the same
result at several times the cost; these tests hold the result and the savings together.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from secreview import summary_rounds
from secreview.analysis.models import default_models
from secreview.analysis.taint.project import (
    MAX_ROUNDS,
    ModuleRound,
    build_project_index,
    iterate_project_index,
    summarise_modules,
)
from secreview.analysis.taint.summaries import ProjectIndex
from secreview.config import ScanConfig
from secreview.index.facts import ModuleFacts, demanded_functions, spelled_and_defined
from secreview.sources.discovery import SourceFile, discover
from secreview.summary_rounds import RoundSummariser, project_index
from secreview.workers import Budget, TaskFailure, WorkerPool

# `top` calls `middle`, which calls `leaf` in a third module: `top`'s summary is only complete
# in the third round. `alone` imports nothing of the project.
MODULES = {
    "pkg.leaf": "import os\n\ndef run(command):\n    os.system(command)\n",
    "pkg.middle": "from pkg.leaf import run\n\ndef relay(value):\n    run(value)\n",
    "pkg.top": "from pkg.middle import relay\n\ndef entry(value):\n    relay(value)\n",
    "pkg.alone": "import os\n\ndef shout(text):\n    print(text.upper())\n",
}


def _trees() -> dict[str, ast.Module]:
    return {name: ast.parse(text) for name, text in MODULES.items()}


def _every_module_every_round(trees: Mapping[str, ast.Module]) -> ProjectIndex:
    """The index as the pass computed it before the worklist: all modules in every round."""
    modules = frozenset(trees)
    index = ProjectIndex(modules=modules)
    for _ in range(MAX_ROUNDS):
        rounds = summarise_modules(trees, default_models(), index)
        summaries = {k: v for name in sorted(rounds) for k, v in rounds[name].summaries.items()}
        classes = frozenset(c for r in rounds.values() for c in r.classes)
        updated = ProjectIndex(summaries=summaries, classes=classes, modules=modules)
        if updated == index:
            break
        index = updated
    return index


def test_later_rounds_only_summarise_modules_whose_answers_changed() -> None:
    trees = _trees()
    given: list[list[str]] = []

    def run_round(index: ProjectIndex, names: Sequence[str]) -> Mapping[str, ModuleRound]:
        given.append(list(names))
        return summarise_modules(trees, default_models(), index, names)

    index = iterate_project_index(sorted(trees), run_round)
    assert given == [sorted(trees), ["pkg.middle", "pkg.top"], ["pkg.top"]]
    assert index == _every_module_every_round(trees)
    (sink,) = index.summaries["pkg.top.entry"].sinks
    assert sink.kind == "command"


def test_a_module_that_fails_a_later_round_leaves_the_index() -> None:
    trees = _trees()

    def run_round(index: ProjectIndex, names: Sequence[str]) -> Mapping[str, ModuleRound]:
        outcome = summarise_modules(trees, default_models(), index, names)
        return {k: v for k, v in outcome.items() if not (index.summaries and k == "pkg.middle")}

    index = iterate_project_index(sorted(trees), run_round)
    assert "pkg.middle.relay" not in index.summaries
    assert not index.summaries["pkg.top.entry"].sinks
    assert build_project_index(trees).summaries["pkg.top.entry"].sinks


def _project(root: Path) -> list[SourceFile]:
    package = root / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name, text in MODULES.items():
        (root / (name.replace(".", "/") + ".py")).write_text(text)
    sources, _ = discover([str(root)], ScanConfig().excludes)
    return sources


def test_a_worker_parses_a_module_once_for_all_rounds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = {s.module: s for s in _project(tmp_path)}
    parsed: list[str] = []
    real = summary_rounds.parse_module

    def counting(text: str, path: str) -> object:
        parsed.append(Path(path).name)
        return real(text, path)

    monkeypatch.setattr(summary_rounds, "parse_module", counting)
    summarise = RoundSummariser()
    shared = (ScanConfig(), build_project_index(_trees()))
    for _ in range(3):
        for module in ("pkg.top", "pkg.alone"):
            assert summarise(shared, sources[module]) is not None
    # `alone` asked the index nothing, so no round after the first can change it: not kept.
    assert sorted(parsed) == ["alone.py", "alone.py", "alone.py", "top.py"]


def test_a_worker_keeps_no_more_source_than_its_allowance(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = {s.module: s for s in _project(tmp_path)}
    parsed: list[str] = []
    real = summary_rounds.parse_module
    monkeypatch.setattr(summary_rounds, "parse_module", lambda t, p: parsed.append(p) or real(t, p))
    summarise = RoundSummariser(kept_source_bytes=len(MODULES["pkg.top"]))
    shared = (ScanConfig(), ProjectIndex())
    for _ in range(2):
        for module in ("pkg.top", "pkg.middle"):
            summarise(shared, sources[module])
    assert [Path(p).name for p in parsed] == ["top.py", "middle.py", "middle.py"]


def test_the_scanner_index_matches_the_in_process_one_with_any_job_count(tmp_path: Path) -> None:
    sources = _project(tmp_path)
    # The scan also reads the package's empty `__init__.py`: one more module, no summaries.
    expected = replace(build_project_index(_trees()), modules=frozenset(s.module for s in sources))
    for jobs in (1, 2):
        index, failed = project_index(sources, ScanConfig(), jobs)
        assert failed == {}
        assert index == expected


def _pid(shared: str, task: int) -> tuple[str, int, int]:
    return shared, task, os.getpid()


def _unexpected(task: int, failure: TaskFailure) -> tuple[str, int, int]:
    raise AssertionError(f"task {task} failed: {failure}")


def test_a_pool_keeps_its_workers_and_sends_a_task_to_its_slot_every_batch() -> None:
    budget = Budget(seconds=30)
    with WorkerPool(_pid, 2) as pool:
        batches = [
            pool.run(
                [task],
                shared,
                budget=lambda _: budget,
                on_failure=_unexpected,
                slot_of=lambda t: t % 2,
            )
            for shared, task in (("one", 1), ("two", 1), ("three", 0), ("four", 1))
        ]
    assert [batch[0][0] for batch in batches] == ["one", "two", "three", "four"]
    pids = [batch[0][2] for batch in batches]
    assert pids[0] == pids[1] == pids[3] != pids[2]  # task 1 always on the same worker


def test_a_new_round_drops_the_trees_of_modules_it_shows_cannot_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = {s.module: s for s in _project(tmp_path)}
    parsed: list[str] = []
    real = summary_rounds.parse_module
    monkeypatch.setattr(
        summary_rounds, "parse_module", lambda t, p: parsed.append(Path(p).name) or real(t, p)
    )
    summarise = RoundSummariser()
    first, second = (ScanConfig(), ProjectIndex()), (ScanConfig(), build_project_index(_trees()))
    for shared, module in ((first, "pkg.alone"), (first, "pkg.top"), (second, "pkg.top")):
        summarise(shared, sources[module])
    summarise(second, sources["pkg.alone"])  # asked for no name of the project: was dropped
    summarise(second, sources["pkg.top"])
    assert parsed == ["alone.py", "top.py", "alone.py"]


def test_only_functions_other_modules_spell_are_summarised_with_what_they_call() -> None:
    """`demanded_functions` keeps a module's functions that another module of the plan names
    (and the special methods the engine applies unspelled); summarising with it still follows
    a flow through a private helper the called function reaches, and leaves out a function
    nobody else can call."""
    helpers = (
        "import subprocess\n\n"
        "def run(cmd):\n    return _spawn(cmd)\n\n"
        "def _spawn(cmd):\n    return subprocess.call(cmd, shell=True)\n\n"
        "def unused(cmd):\n    return subprocess.call(cmd, shell=True)\n\n"
        "class Job:\n    def __init__(self, cmd):\n        self.cmd = cmd\n\n"
        "    def __call__(self):\n        return self.cmd\n\n"
        "    def __repr__(self):\n        return self.cmd\n"
    )
    views = "from pkg import helpers\n\ndef view(request):\n    helpers.run(request.args['c'])\n"
    trees = {"pkg.helpers": ast.parse(helpers), "pkg.views": ast.parse(views)}
    facts = [
        ModuleFacts(name, False, frozenset(), *spelled_and_defined(_by_type(tree)))
        for name, tree in trees.items()
    ]
    wanted = demanded_functions(facts, frozenset(trees))
    assert wanted["pkg.helpers"] == frozenset({"run", "__init__", "__call__"})  # not __repr__
    assert wanted["pkg.views"] == frozenset()
    every = iterate_project_index(
        sorted(trees), lambda index, names: summarise_modules(trees, default_models(), index, names)
    )
    chosen = iterate_project_index(
        sorted(trees),
        lambda index, names: summarise_modules(trees, default_models(), index, names),
        ProjectIndex(wanted=wanted),
    )
    assert "pkg.helpers.unused" in every.summaries
    assert "pkg.helpers.unused" not in chosen.summaries
    assert chosen.summaries["pkg.helpers.run"] == every.summaries["pkg.helpers.run"]
    assert chosen.summaries["pkg.helpers.run"].sinks


def _by_type(tree: ast.AST) -> dict[type[ast.AST], list[ast.AST]]:
    """The nodes of `tree` by exact type, as `index.node_types.grouped_nodes` gives them."""
    grouped: dict[type[ast.AST], list[ast.AST]] = {}
    for node in ast.walk(tree):
        grouped.setdefault(type(node), []).append(node)
    return grouped
