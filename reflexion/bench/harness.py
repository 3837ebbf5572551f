"""Run a set of tasks through the loop, one checkpointed thread each, and write a result line per task.

Re-running resumes: a task already in the result file is skipped, a thread left mid-run (a kill, a
Ctrl-C, a model that went away) continues from its last checkpoint, and the others start fresh.
With ``concurrency`` > 1 several tasks run at once in threads that share the graph and the context
(the SQLite checkpointer serialises its own writes); the result file takes one line at a time.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from langgraph.graph.state import CompiledStateGraph

from reflexion.bench.progress import BenchProgress
from reflexion.bench.results import ResultFile, ResultRow
from reflexion.bench.source import bench_thread_id
from reflexion.bench.task_run import finish_task
from reflexion.checkpoint import thread_lock
from reflexion.context import Context
from reflexion.errors import SettingsError
from reflexion.run_settings import RunSettings
from reflexion.runner import OnEvent
from reflexion.state import Task


@dataclass(frozen=True, kw_only=True)
class BenchSettings(RunSettings):
    """A run's settings, for every task of the bench, and how many tasks run at once."""

    concurrency: int = 1

    def __post_init__(self) -> None:  # checked before any model starts
        super().__post_init__()
        if isinstance(self.concurrency, bool) or not isinstance(self.concurrency, int) or self.concurrency < 1:
            raise SettingsError(f"--concurrency must be a positive integer, got {self.concurrency!r}")
        if self.review_reflections:
            raise SettingsError("a bench has nobody to review its reflections: run single tasks with --review-reflections")


@dataclass
class BenchRun:
    """What one call of :func:`run_bench` did."""

    total: int  # tasks selected
    skipped: int  # already in the result file
    written: list[ResultRow] = field(default_factory=list)  # finished by this call


class _Stopped(Exception):
    """Raised inside a worker's event handler to abandon its task: another worker failed."""


def run_bench(
    graph: CompiledStateGraph,
    context: Context,
    tasks: list[Task],
    results: ResultFile,
    settings: BenchSettings = BenchSettings(),
    *,
    progress: BenchProgress | None = None,
    db: str | os.PathLike[str] | None = None,
) -> BenchRun:
    """Run every task not yet in ``results``; returns what was done. ``db`` is the checkpoint file
    (its folder holds the per-thread locks). A :class:`~reflexion.errors.ModelError` or Ctrl-C stops
    the bench: finished tasks are in the file, unfinished threads resume on the next call."""
    check_compatible(results, context.domain, settings, context.resolved_domain().settings())
    bench = _Bench(graph, context, results, settings, progress, db)
    done = [row for row in results.rows if row["task_id"] in {task["id"] for task in tasks}]
    todo = [task for task in tasks if not results.done(task["id"])]
    if progress is not None:
        progress.start(len(tasks), done)
    try:
        if settings.concurrency == 1:
            for task in todo:  # in this thread, so Ctrl-C stops the task at once
                bench.run_task(task)
        else:
            bench.run_parallel(todo)
    finally:
        if progress is not None:
            progress.stop()
    return BenchRun(total=len(tasks), skipped=len(done), written=bench.written)


def check_compatible(results: ResultFile, domain: str, settings: BenchSettings, domain_settings: dict[str, Any] | None = None) -> None:
    """One result file holds one experiment: refuse to mix domains, strategies, budgets or domain
    settings (e.g. where the tests come from, set in the environment) in it."""
    wanted: dict[str, Any] = {"domain": domain, "strategy": settings.strategy, "max_trials": settings.budget,
                              "memory_window": settings.memory_window, "retry_temperature": float(settings.retry_temperature)}  # fmt: skip
    if domain_settings is not None:
        wanted["domain_settings"] = domain_settings
    for row in results.rows:
        recorded: dict[str, Any] = dict(row)  # compared key by key, as plain data
        for key, value in wanted.items():
            if key == "domain_settings" and "domain_settings" not in recorded:
                continue  # rows from before the settings were recorded
            if recorded.get(key, 0.0 if key == "retry_temperature" else None) != value:
                if key == "domain_settings":
                    theirs = recorded[key]
                    changed = sorted(k for k in {*value, *theirs} if value.get(k) != theirs.get(k))
                    raise SettingsError(
                        f"{results.path} holds results made with other {domain} settings ({', '.join(changed)}: "
                        f"{', '.join(f'{k}={theirs.get(k)!r}' for k in changed)}); use the same settings to extend it, or pass another --out"
                    )
                option = {"max_trials": "--max-trials", "memory_window": "--window", "retry_temperature": "--retry-temperature"}.get(key, f"--{key}")
                raise SettingsError(
                    f"{results.path} holds results with {option} {recorded.get(key)} (task {row['task_id']}), not {value}; "
                    "use the same settings to extend it, or pass another --out"
                )


@dataclass
class _Bench:
    graph: CompiledStateGraph
    context: Context
    results: ResultFile
    settings: BenchSettings
    progress: BenchProgress | None
    db: str | os.PathLike[str] | None
    written: list[ResultRow] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)  # set when the bench must end early

    def run_parallel(self, todo: list[Task]) -> None:
        pool = ThreadPoolExecutor(self.settings.concurrency, thread_name_prefix="bench")
        try:
            pending = {pool.submit(self.run_task, task) for task in todo}
            while pending:
                finished, pending = wait(pending, return_when=FIRST_EXCEPTION)
                for future in finished:
                    future.result()  # the first failure (a ModelError, say) stops the bench
        except BaseException:
            self.stop.set()  # the other workers abandon their tasks at their next event
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def run_task(self, task: Task) -> None:
        if self.stop.is_set():
            return
        thread_id = bench_thread_id(self.results.path, task["id"], self.settings.strategy)

        def on_start(trial: int, resumed: bool) -> OnEvent:
            return self._events(self.progress.task_started(task, thread_id, trial, resumed) if self.progress else None)

        try:
            with thread_lock(thread_id, self.db):
                row = finish_task(self.graph, self.context, self.settings, task, thread_id, on_start)
                if self.results.append(row):
                    self.written.append(row)
                    if self.progress is not None:
                        self.progress.task_finished(row)
        except _Stopped:
            return

    def _events(self, inner: OnEvent | None) -> OnEvent:
        def on_event(mode: str, namespace: tuple[str, ...], payload: Any) -> None:
            if self.stop.is_set():
                raise _Stopped  # leaves the thread at its last checkpoint, resumable
            if inner is not None:
                inner(mode, namespace, payload)

        return on_event
