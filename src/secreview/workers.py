"""Run tasks in worker processes that a crash, a hang or a memory blow-up cannot take down.

The code under review is hostile: one file can make a C extension (the tree-sitter fallback
parser) crash its process, or make the analysis run for ever or eat all memory. So every task
runs in a child process this module owns, one task at a time, under a small supervisor loop:
it hands out tasks, watches each busy worker's time and memory, and when a worker dies or
exceeds its budget, kills it, records that one task as failed and starts a fresh worker for the
rest. `concurrent.futures.ProcessPoolExecutor` cannot do this: one dead worker breaks the whole
pool and every task still in it.

Even with one job the task runs in a child, so a crash never takes secreview itself down. On
Linux children are forked (a few milliseconds: the parent has already imported everything, so a
one-file pre-commit run stays fast); elsewhere they are spawned.

Time is the child's CPU time, read by the parent from `/proc/PID/stat`: a file's review costs
the same CPU whatever else the machine runs, so a file is not given up on only because the
machine was busy (docassemble's 9,000-line `parse.py`, 19 s of CPU, took over 60 s of wall
clock at load 7 and lost its findings). A task that waits without computing (a blocked read)
is stopped once its CPU time has not moved for its budget's length of wall-clock time (a busy
machine still gives a runnable task some CPU every second), and any task after `WALL_FACTOR`
times its budget; where CPU time cannot be read (not Linux) the budget is wall-clock time.

Memory is watched from the parent by reading the child's resident size in `/proc/PID/statm`
(Linux only; elsewhere only the time budget applies). A limit on address space (`RLIMIT_AS`) was
not used: it counts reserved, untouched memory (thread stacks, allocator arenas), so it fails
innocent files, and the MemoryError it raises can surface anywhere, even in the result's pickling.
"""

from __future__ import annotations

import contextlib
import enum
import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from multiprocessing.reduction import ForkingPickler
from typing import Generic, NamedTuple, TypeVar, cast

Shared = TypeVar("Shared")
Task = TypeVar("Task")
Result = TypeVar("Result")

_SHARED, _TASK = "shared", "task"
"""The kinds of message a worker is sent (besides None, which tells it to leave)."""

POLL_SECONDS = 0.05
"""How often a busy worker's time and memory are checked (a result is taken as soon as it is
ready, whatever this is)."""


WALL_FACTOR = 10
"""How many times its budget in wall-clock time a task may take at most (see the module)."""


class Budget(NamedTuple):
    """What one task may use: seconds of CPU time, and memory above the worker's idle size."""

    seconds: float
    memory_bytes: int | None = None
    """None: no memory limit."""


class FailureKind(enum.Enum):
    """How a task failed to produce a result."""

    CRASHED = "crashed"
    """The worker died (a signal such as SIGSEGV, or an unexpected exit)."""
    RAISED = "raised"
    """The task raised an exception the work function did not handle."""
    TIMED_OUT = "timed-out"
    OUT_OF_MEMORY = "out-of-memory"


class TaskFailure(NamedTuple):
    """Why one task has no result, with a detail fit for a message ("signal SIGSEGV")."""

    kind: FailureKind
    detail: str


def _context() -> BaseContext:
    """`fork` on Linux (cheap, inherits the loaded modules); `spawn` where fork is unsafe."""
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    return multiprocessing.get_context(method)


def resident_bytes(pid: int) -> int | None:
    """The resident memory of process `pid`, or None where it cannot be read (not Linux)."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


def cpu_seconds(pid: int) -> float | None:
    """The CPU time process `pid` has used (user and system), or None where it cannot be read
    (not Linux)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()  # the name may hold spaces and ")"
        ticks = int(fields[11]) + int(fields[12])  # utime and stime: fields 14 and 15
    except (OSError, ValueError, IndexError):
        return None
    return ticks / os.sysconf("SC_CLK_TCK")


def _serve(
    connection: Connection,
    parents_end: Connection,
    work: Callable[[Shared, Task], Result],
    shared: Shared,
) -> None:
    """A worker's life: take a task, send its result (or what it raised), until told to stop.

    A ("shared", value) message replaces what every later task is given (a pool's next batch);
    a ("task", task) message is one task. Ctrl-C is the parent's to handle (it kills the
    workers), so workers ignore it rather than each printing a traceback. The copy of the
    parent's end of the pipe a forked worker inherits is closed first: kept open, it kept the
    pipe alive after the parent was killed (`timeout`, a CI job cancelled), so `recv` never saw
    the end and the orphaned worker waited for ever, holding its caller's output open.
    """
    parents_end.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if message is None:  # the parent has no more tasks
            return
        kind, value = message
        if kind == _SHARED:
            shared = value
            continue
        try:
            outcome: tuple[bool, object] = (True, work(shared, value))
        except Exception as error:
            outcome = (False, f"{type(error).__name__}: {error}")
        try:
            connection.send(outcome)
        except Exception as error:  # the result cannot be pickled
            connection.send((False, f"its result could not be sent back ({error!r})"))


def _exit_detail(process: BaseProcess) -> str:
    """ "signal SIGSEGV" or "exit code 3", for a process that has ended."""
    process.join(timeout=1)
    code = process.exitcode
    if code is None:
        return "no exit status"
    if code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"


class _Worker(Generic[Task]):
    """One child process and the task it is working on, with that task's limits."""

    def __init__(
        self,
        context: BaseContext,
        work: Callable[[Shared, Task], object],
        shared: object,
        generation: int = 0,
    ) -> None:
        self.connection, child_end = context.Pipe()
        self.process = context.Process(
            target=_serve,
            args=(child_end, self.connection, work, shared),
            daemon=True,
            name="secreview-worker",
        )
        self.process.start()
        child_end.close()
        self.task: int | None = None
        self.budget = Budget(seconds=0)
        self.started = 0.0
        self.cpu_at_start: float | None = None
        self.cpu_seen = 0.0
        self.computed_at = 0.0
        """The task's CPU time when last read, and when it last grew (wall clock)."""
        self.memory_limit: int | None = None
        self.generation = generation
        """Which of its pool's `shared` values the worker holds (see `WorkerPool.run`)."""

    def update(self, message: bytes, generation: int) -> None:
        """Hand an idle worker a new `shared` value, already pickled (once for all workers)."""
        with contextlib.suppress(OSError):  # it died idle: the supervisor sees it end and says so
            self.connection.send_bytes(message)
        self.generation = generation

    def give(self, number: int, task: Task, budget: Budget) -> None:
        """Start task `number`; its memory is measured from the worker's size now, while idle."""
        idle = resident_bytes(self.process.pid) if budget.memory_bytes is not None else None
        self.memory_limit = idle + budget.memory_bytes if idle is not None else None
        with contextlib.suppress(OSError):  # it died idle: the supervisor sees it end and says so
            self.connection.send((_TASK, task))
        self.task = number
        self.budget = budget
        self.started = self.computed_at = time.monotonic()
        self.cpu_at_start = cpu_seconds(self.process.pid)
        self.cpu_seen = self.cpu_at_start or 0.0

    def over_time(self) -> str | None:
        """What the task has overrun, fit for a message ("60 s of CPU time"), or None."""
        now, seconds = time.monotonic(), self.budget.seconds
        if self.cpu_at_start is None:
            return f"{seconds:g} s" if now - self.started > seconds else None
        used = cpu_seconds(self.process.pid)
        if used is not None and used > self.cpu_seen:
            self.cpu_seen, self.computed_at = used, now
        if self.cpu_seen - self.cpu_at_start > seconds:
            return f"{seconds:g} s of CPU time"
        if now - self.computed_at > seconds:
            return f"{seconds:g} s of waiting"
        longest = seconds * WALL_FACTOR
        return f"{longest:g} s" if now - self.started > longest else None

    def over_memory(self) -> bool:
        """Whether the task has grown the worker past its memory limit."""
        if self.memory_limit is None:
            return False
        size = resident_bytes(self.process.pid)
        return size is not None and size > self.memory_limit

    def stop(self, *, graceful: bool) -> None:
        """End the process: an idle one is asked to leave, a busy one is killed."""
        if graceful:
            with contextlib.suppress(OSError):  # it may be gone already
                self.connection.send(None)
            self.process.join(timeout=1)
        self.connection.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.process.close()


def run_isolated(
    tasks: Sequence[Task],
    work: Callable[[Shared, Task], Result],
    shared: Shared,
    *,
    jobs: int,
    budget: Callable[[Task], Budget],
    on_failure: Callable[[Task, TaskFailure], Result],
    progress: Callable[[int, int], None] | None = None,
) -> list[Result]:
    """`work(shared, task)` for every task, in up to `jobs` worker processes; results in order.

    `shared` reaches each worker once, not with every task. A task whose worker crashes, or
    that exceeds its `budget(task)`, costs only itself: its result is `on_failure(task, why)`,
    and a new worker takes over the remaining tasks. `work` must be a module-level function
    where workers are spawned (not on Linux, where they are forked).
    """
    with WorkerPool(work, min(jobs, len(tasks))) as pool:
        return pool.run(tasks, shared, budget=budget, on_failure=on_failure, progress=progress)


class WorkerPool(Generic[Shared, Task, Result]):
    """`jobs` worker processes that outlive one batch of tasks (see `run_isolated`).

    What a worker keeps between tasks (`work` may be an object holding the parsed trees of the
    modules it was given) then serves the next batch too, when `run` sends each task to the
    same slot every batch (`slot_of`). A new `shared` value is pickled once and sent once to
    each worker; a worker started later (a replacement) inherits it.
    """

    def __init__(self, work: Callable[[Shared, Task], Result], jobs: int) -> None:
        self._work = work
        self._context = _context()
        self._slots: list[_Worker[Task] | None] = [None] * max(jobs, 1)
        self._shared: object = None
        self._generation = 0

    def __enter__(self) -> WorkerPool[Shared, Task, Result]:
        return self

    def __exit__(self, *_: object) -> None:
        for worker in self._slots:
            if worker is not None:
                worker.stop(graceful=worker.task is None)
        self._slots = [None] * len(self._slots)

    def run(
        self,
        tasks: Sequence[Task],
        shared: Shared,
        *,
        budget: Callable[[Task], Budget],
        on_failure: Callable[[Task, TaskFailure], Result],
        slot_of: Callable[[Task], int] | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[Result]:
        """`work(shared, task)` for every task, results in order (see `run_isolated`).

        With `slot_of`, task `t` goes to worker `slot_of(t) % jobs` unless that worker is busy
        and another has nothing left of its own (it takes the task: balance first).
        """
        self._generation += 1
        self._shared = shared
        update: list[bytes] = []  # pickled on first need: a fresh (forked) worker inherits it
        queues: list[deque[tuple[int, Task]]] = [deque() for _ in self._slots]
        for number, task in enumerate(tasks):
            queues[slot_of(task) % len(queues) if slot_of is not None else 0].append((number, task))
        results: dict[int, Result] = {}
        slots = self._slots

        def next_task(slot: int, steal: bool) -> tuple[int, Task] | None:
            """The slot's own next task; or, to `steal`, one from the end of the longest queue."""
            if not steal:
                return queues[slot].popleft() if queues[slot] else None
            longest = max(queues, key=len)
            if not longest:
                return None
            return longest.popleft() if slot_of is None else longest.pop()

        def settle(slot: int, worker: _Worker[Task], outcome: Result | TaskFailure) -> None:
            """Record the worker's task; a failed task's worker is retired (a new one follows)."""
            assert worker.task is not None
            number, worker.task = worker.task, None
            if isinstance(outcome, TaskFailure):
                worker.stop(graceful=False)
                slots[slot] = None
                outcome = on_failure(tasks[number], outcome)
            results[number] = outcome
            if progress is not None:
                progress(len(results), len(tasks))

        while len(results) < len(tasks):
            for slot, steal in [(n, steal) for steal in (False, True) for n in range(len(slots))]:
                worker = slots[slot]
                if worker is not None and worker.task is not None:
                    continue
                chosen = next_task(slot, steal)
                if chosen is None:
                    continue
                if worker is None:
                    worker = slots[slot] = _Worker(
                        self._context, self._work, self._shared, self._generation
                    )
                elif worker.generation != self._generation:
                    if not update:
                        update.append(bytes(ForkingPickler.dumps((_SHARED, shared))))
                    worker.update(update[0], self._generation)
                number, task = chosen
                worker.give(number, task, budget(task))
            busy = [
                (slot, w) for slot, w in enumerate(slots) if w is not None and w.task is not None
            ]
            signals = [w.connection for _, w in busy] + [w.process.sentinel for _, w in busy]
            ready = set(wait(signals, timeout=POLL_SECONDS))
            for slot, worker in busy:
                if worker.connection in ready or worker.process.sentinel in ready:
                    settle(slot, worker, cast("Result | TaskFailure", _outcome(worker)))
                elif (overrun := worker.over_time()) is not None:
                    settle(slot, worker, TaskFailure(FailureKind.TIMED_OUT, overrun))
                elif worker.over_memory():
                    detail = f"{(worker.budget.memory_bytes or 0) // 2**20} MB"
                    settle(slot, worker, TaskFailure(FailureKind.OUT_OF_MEMORY, detail))
        return [results[number] for number in range(len(tasks))]


def _outcome(worker: _Worker[Task]) -> object | TaskFailure:
    """The result the worker sent, or why there is none (it raised, or died first)."""
    try:
        if worker.connection.poll():
            succeeded, value = worker.connection.recv()
            return value if succeeded else TaskFailure(FailureKind.RAISED, str(value))
    except (EOFError, OSError):
        pass
    return TaskFailure(FailureKind.CRASHED, _exit_detail(worker.process))
