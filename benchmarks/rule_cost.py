"""Where the first pass spends its CPU: parsing, indexing, the taint engine and each rule.

A new rule or a widened one can quietly cost a tenth of a scan (the CWE-348 rules did, before
their module prefilter). This script reviews every file of a tree in one process, as the first
pass does, and charges each second to exactly one part: a rule's time excludes the taint
analysis it triggered (that is "taint engine", shared by every taint rule) and the building of
its findings ("findings"). Rules are printed by cost with their share of the whole, so a rule
costing more than its place can be seen before it is merged. The cross-module pass is not
measured here (`benchmarks/speed.py` times whole scans).

The timers cost about a microsecond per rule call, charged to "dispatch" (the engine's loop,
name resolution and this instrumentation), so read the rules against each other and against
the engine, not as absolute costs: the scan itself is faster than the total printed.

Usage: python benchmarks/rule_cost.py TREE [--top N]
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from secreview.analysis import engine
from secreview.analysis.rule import Hit, Rule
from secreview.analysis.taint import AnalysisContext
from secreview.analysis.taint.interpreter import ModuleAnalysis
from secreview.config import ScanConfig
from secreview.parse import parse_module
from secreview.pipeline import active_rules
from secreview.sources.discovery import discover
from secreview.sources.reading import UnreadableSourceError, read_source


class ExclusiveClock:
    """Seconds per label, each second charged to the innermost label running at the time."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)
        self._running: list[str] = []
        self._since = time.perf_counter()

    def _switch(self) -> None:
        now = time.perf_counter()
        if self._running:
            self.spent[self._running[-1]] += now - self._since
        self._since = now

    def enter(self, label: str) -> None:
        self._switch()
        self._running.append(label)

    def leave(self) -> None:
        self._switch()
        self._running.pop()

    def timed(self, label: str, work: Callable[..., Any]) -> Callable[..., Any]:
        """`work` with its time charged to `label` (minus what nested labels take)."""

        def run(*args: Any, **kwargs: Any) -> Any:
            self.enter(label)
            try:
                return work(*args, **kwargs)
            finally:
                self.leave()

        return run


def timed_check(clock: ExclusiveClock, rule: Rule) -> Rule:
    """`rule` whose check (a generator) is charged to the rule's id while it runs."""

    def check(node: Any, context: AnalysisContext) -> Iterator[Hit]:
        clock.enter(rule.id)
        try:
            hits = list(rule.check(node, context))
        finally:
            clock.leave()
        yield from hits

    return rule._replace(check=check)


def measure(tree: Path) -> tuple[ExclusiveClock, int]:
    """Review every Python file under `tree` (first pass only); the clock and the file count."""
    clock = ExclusiveClock()
    config = ScanConfig()
    rules = tuple(timed_check(clock, rule) for rule in active_rules(config))
    ModuleAnalysis.run = clock.timed("taint engine", ModuleAnalysis.run)  # type: ignore[method-assign]
    engine._finding = clock.timed("findings", engine._finding)  # type: ignore[attr-defined]
    files = 0
    sources, _ = discover([str(tree)], [])
    for source in sources:
        try:
            text = read_source(source.path)
        except (UnreadableSourceError, OSError):
            continue
        files += 1
        clock.enter("parse")
        outcome = parse_module(text, source.shown_as)
        clock.leave()
        if outcome.tree is None:
            continue
        clock.enter("index")
        context = AnalysisContext(path=source.shown_as, text=text, tree=outcome.tree)
        clock.leave()
        clock.enter("dispatch")
        engine.rule_findings(context, rules)
        clock.leave()
    return clock, files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("--top", type=int, default=25, help="rules to list (default 25)")
    arguments = parser.parse_args()
    clock, files = measure(arguments.tree)
    total = sum(clock.spent.values())
    print(f"{files} files, {total:.1f} s of first-pass CPU in one process")
    parts = ("parse", "index", "taint engine", "findings", "dispatch")
    for part in parts:
        print(f"  {part:<32} {clock.spent[part]:7.2f} s  {clock.spent[part] / total:6.1%}")
    rules = sorted(
        ((spent, label) for label, spent in clock.spent.items() if label not in parts),
        reverse=True,
    )
    rule_total = sum(spent for spent, _ in rules)
    label = f"rules ({len(rules)})"
    print(f"  {label:<32} {rule_total:7.2f} s  {rule_total / total:6.1%}")
    for spent, label in rules[: arguments.top]:
        print(f"    {label:<30} {spent:7.2f} s  {spent / total:6.1%}")


if __name__ == "__main__":
    main()
