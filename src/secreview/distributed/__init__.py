"""Where the per-file work runs: local worker processes (the default) or a Ray cluster.

A `Runner` has the signature of `secreview.workers.run_isolated`, so the scanner hands the same
tasks, shared value and budgets to either, and the output is the same byte for byte: results
come back in the order the tasks were given, whichever machine produced them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol, TypeVar

if TYPE_CHECKING:  # annotations only: naming the engines must not load the worker processes
    from secreview.workers import Budget, TaskFailure

Shared = TypeVar("Shared")
Task = TypeVar("Task")
Result = TypeVar("Result")

ENGINES = ("local", "ray")
"""`local`: worker processes on this machine; `ray`: tasks on a Ray cluster (`secreview[ray]`)."""


class Runner(Protocol):
    """Runs `work(shared, task)` for every task, isolated, and returns the results in order."""

    def __call__(
        self,
        tasks: Sequence[Task],
        work: Callable[[Shared, Task], Result],
        shared: Shared,
        *,
        jobs: int,
        budget: Callable[[Task], Budget],
        on_failure: Callable[[Task, TaskFailure], Result],
        progress: Callable[[int, int], None] | None = None,
    ) -> list[Result]: ...
