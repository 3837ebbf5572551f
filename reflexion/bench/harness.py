"""Run a set of tasks through the loop, one checkpointed thread each, and write a result line per task.

Re-running resumes: a task already in the result file is skipped, a thread left mid-run (a kill, a
Ctrl-C, a model that went away) continues from its last checkpoint, and the others start fresh.
Every task is an asyncio task on one event loop (``concurrency`` at a time), on the graph's async
nodes and LangGraph's async saver for the same store; model calls are awaited, blocking work (a
synchronous domain, the sandbox, the result file's fsync) runs in a bounded pool of worker threads.
The result file takes one line at a time.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph.state import CompiledStateGraph

from reflexion.bench.progress import BenchProgress
from reflexion.bench.results import ResultFile, ResultRow
from reflexion.bench.source import bench_thread_id
from reflexion.bench.task_run import afinish_task
from reflexion.checkpoint import athread_lock, is_sync_only, open_async_checkpointer
from reflexion.context import Context
from reflexion.errors import SettingsError
from reflexion.loop import run_sync
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
    """Run every task not yet in ``results``; returns what was done. ``db`` is the checkpoint store
    (a SQLite file, whose folder holds the per-thread locks, or a PostgreSQL URL). A
    :class:`~reflexion.errors.ModelError` or Ctrl-C stops the bench: finished tasks are in the file,
    unfinished threads resume on the next call.

    This is :func:`arun_bench` on the process's event loop (``reflexion.loop``), whose executor has
    a worker per concurrent task (for synchronous domains). A graph compiled with a synchronous
    saver (``open_graph``) runs on the asynchronous one for the same ``db``."""
    return run_sync(arun_bench(graph, context, tasks, results, settings, progress=progress, db=db), workers=settings.concurrency)


async def arun_bench(graph: CompiledStateGraph, context: Context, tasks: list[Task], results: ResultFile, settings: BenchSettings = BenchSettings(),
                     *, progress: BenchProgress | None = None, db: str | os.PathLike[str] | None = None) -> BenchRun:  # fmt: skip
    """:func:`run_bench` on the running event loop."""
    check_compatible(results, context.domain, settings, context.resolved_domain().settings())
    done = [row for row in results.rows if row["task_id"] in {task["id"] for task in tasks}]
    todo = [task for task in tasks if not results.done(task["id"])]
    written: list[ResultRow] = []
    if progress is not None:
        progress.start(len(tasks), done)
    try:
        async with _async_graph(graph, db) as runnable:
            await _Bench(runnable, context, results, settings, progress, db, written).run_all(todo)
    finally:
        if progress is not None:
            progress.stop()
    return BenchRun(total=len(tasks), skipped=len(done), written=written)


@asynccontextmanager
async def _async_graph(graph: CompiledStateGraph, db: str | os.PathLike[str] | None) -> AsyncIterator[CompiledStateGraph]:
    """``graph`` itself when its saver has async methods, else the same graph on the async saver of ``db``."""
    saver = graph.checkpointer
    if not isinstance(saver, BaseCheckpointSaver) or not is_sync_only(saver):
        yield graph
        return
    async with open_async_checkpointer(db) as async_saver:
        yield graph.copy(update={"checkpointer": async_saver})


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

    async def run_all(self, todo: list[Task]) -> None:
        """Every task as an asyncio task, ``concurrency`` at a time, started in order. The first
        failure (a ModelError, say) cancels the others: each stays at its last checkpoint, resumable."""
        gate = asyncio.Semaphore(self.settings.concurrency)

        async def one(task: Task) -> None:
            async with gate:
                await self.run_task(task)

        pending = {asyncio.ensure_future(one(task)) for task in todo}
        try:
            while pending:
                finished, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_EXCEPTION)
                for future in finished:
                    future.result()
        finally:
            for future in pending:
                future.cancel()
            if pending:
                await asyncio.gather(*pending, return_exceptions=True)

    async def run_task(self, task: Task) -> None:
        thread_id = bench_thread_id(self.results.path, task["id"], self.settings.strategy)

        def on_start(trial: int, resumed: bool) -> OnEvent | None:
            return self.progress.task_started(task, thread_id, trial, resumed) if self.progress else None

        async with athread_lock(thread_id, self.db):
            row = await afinish_task(self.graph, self.context, self.settings, task, thread_id, on_start)
            # The result file's fsync blocks: off the loop.
            if await asyncio.to_thread(self.results.append, row):
                self.written.append(row)
                if self.progress is not None:
                    self.progress.task_finished(row)
