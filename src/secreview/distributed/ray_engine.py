"""Run the per-file work on a Ray cluster, with the isolation and order of the local engine.

Each Ray task takes a batch of consecutive files and runs them through `run_isolated` with one
job inside the Ray worker: every file still gets its own forked child with its own time and
memory budget, so a file that crashes the parser costs only itself, on a cluster as on a
laptop. Failures travel back as values and the driver turns them into errors with the caller's
`on_failure` (which may record them: it must run here, not on a remote machine). The shared
value (configuration, project summaries) is put into Ray's object store once per call and
every batch gets a reference to it, not a copy.

Ray is an optional extra (`secreview[ray]`); it is imported only when this engine is used.
Every node must have the same secreview version installed and see the files at the same
paths (one checkout on shared storage): `ray_session` checks the version before any work.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Generic, TypeVar

from secreview import __version__
from secreview.distributed import Runner
from secreview.workers import Budget, FailureKind, TaskFailure, run_isolated

Shared = TypeVar("Shared")
Task = TypeVar("Task")
Result = TypeVar("Result")

BATCHES_PER_CPU = 4
"""Enough batches that a slow file does not leave the other CPUs idle at the end, few enough
that Ray's per-task cost (milliseconds) stays small beside the files' own."""


class RayEngineError(RuntimeError):
    """Ray is missing, cannot reach its cluster, or the cluster runs another secreview."""


def _ray() -> ModuleType:
    """The `ray` module, or a clear error naming the extra that installs it."""
    try:
        import ray
    except ImportError as error:
        raise RayEngineError("the Ray engine needs Ray: pip install 'secreview[ray]'") from error
    return ray


@dataclass(frozen=True, slots=True)
class _Batch(Generic[Shared, Task, Result]):
    """Consecutive tasks with their budgets, run by number inside one Ray task."""

    work: Callable[[Shared, Task], Result]
    tasks: Sequence[Task]
    budgets: Sequence[Budget]

    def run(self, shared: Shared, number: int) -> Result:
        return self.work(shared, self.tasks[number])

    def budget(self, number: int) -> Budget:
        return self.budgets[number]


def _failure_as_value(_number: int, failure: TaskFailure) -> TaskFailure:
    return failure


def run_batch(batch: _Batch[Shared, Task, Result], shared: Shared) -> list[Result | TaskFailure]:
    """The remote task: every task of `batch` in its own child process, failures as values."""
    numbers = range(len(batch.tasks))
    return run_isolated(
        numbers, batch.run, shared, jobs=1, budget=batch.budget, on_failure=_failure_as_value
    )


def installed_version() -> str:
    """The secreview version a Ray worker runs (compared with the driver's)."""
    return __version__


def _cluster_cpus(ray: ModuleType) -> int:
    return max(1, int(ray.cluster_resources().get("CPU", 1)))


def run_on_ray(
    tasks: Sequence[Task],
    work: Callable[[Shared, Task], Result],
    shared: Shared,
    *,
    jobs: int,
    budget: Callable[[Task], Budget],
    on_failure: Callable[[Task, TaskFailure], Result],
    progress: Callable[[int, int], None] | None = None,
) -> list[Result]:
    """`run_isolated`'s contract on the Ray cluster `ray_session` connected to.

    `jobs` is not used: the cluster's CPUs decide how many batches run at once.
    """
    del jobs
    if not tasks:
        return []
    ray = _ray()
    remote = ray.remote(num_cpus=1, max_retries=0)(run_batch)
    shared_reference = ray.put(shared)
    budgets = [budget(task) for task in tasks]
    size = max(1, math.ceil(len(tasks) / (_cluster_cpus(ray) * BATCHES_PER_CPU)))
    pending = {
        remote.remote(
            _Batch(work, tasks[start : start + size], budgets[start : start + size]),
            shared_reference,
        ): start
        for start in range(0, len(tasks), size)
    }
    results: dict[int, Result] = {}
    while pending:
        ready, _ = ray.wait(list(pending), num_returns=1)
        start = pending.pop(ready[0])
        count = min(size, len(tasks) - start)
        try:
            outcomes = ray.get(ready[0])
        except ray.exceptions.RayError as error:
            detail = f"its Ray task failed: {type(error).__name__}"
            outcomes = [TaskFailure(FailureKind.CRASHED, detail)] * count
        for offset, outcome in enumerate(outcomes):
            task = tasks[start + offset]
            failed = isinstance(outcome, TaskFailure)
            results[start + offset] = on_failure(task, outcome) if failed else outcome
        if progress is not None:
            progress(len(results), len(tasks))
    return [results[number] for number in range(len(tasks))]


@contextlib.contextmanager
def ray_session(address: str | None, cpus: int) -> Iterator[Runner]:
    """Connect to the cluster at `address` (None: start a local one with `cpus` CPUs) and yield
    the runner; a cluster this session started is shut down after.

    Fails before any work when a worker runs another secreview version: its findings could
    differ from what this version documents, and the output would not be reproducible.
    """
    import logging  # start-up cost that only a Ray run needs

    ray = _ray()
    started = not ray.is_initialized()
    if started:
        try:
            ray.init(
                address=address,
                num_cpus=None if address else cpus,
                include_dashboard=False,
                log_to_driver=False,
                logging_level=logging.ERROR,
            )
        except (ConnectionError, RuntimeError, ValueError) as error:
            where = address or "a local cluster"
            raise RayEngineError(f"cannot start or reach Ray at {where}: {error}") from error
    try:
        remote_version = ray.get(ray.remote(num_cpus=0)(installed_version).remote())
        if remote_version != __version__:
            raise RayEngineError(
                f"the Ray workers run secreview {remote_version}, this is {__version__}: "
                "install the same version on every node"
            )
        yield run_on_ray
    finally:
        if started:
            ray.shutdown()
