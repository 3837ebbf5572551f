"""The loop on asyncio: the async node bodies (``astream``/``ainvoke``) on every async checkpointer,
synchronous domains in worker threads, resume after a failure, and ``run_bench`` running many tasks
on one event loop, at most ``concurrency`` at once."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import pytest
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatResult
from langgraph.checkpoint.base import empty_checkpoint
from langgraph.checkpoint.memory import InMemorySaver
from pydantic import PrivateAttr

from reflexion.bench import BenchSettings, ResultFile, read_rows, run_bench
from reflexion.context import Context
from reflexion.domains import get_domain
from reflexion.domains.base import ActorMemory, Attempt, Domain, Evaluation, Step
from reflexion.domains.qa import QADomain
from reflexion.graphs import build_graph
from reflexion.runner import astream, open_graph, stream, thread_config
from reflexion.state import new_run
from reflexion.testing.fakes import ScriptedChatModel

QA = get_domain("qa")
TASK = next(t for t in QA.load_tasks() if t["id"] == "sum-primes")  # answer: 28
REPLIES = ["Answer: 27", "I forgot that 2 is prime.", "Answer: 28"]


async def arun(opener, replies, thread: str = "t", domain=QA, **settings: Any) -> dict[str, Any]:
    model = ScriptedChatModel(replies=list(replies))
    async with opener() as saver:
        graph = build_graph(saver, domain=domain)
        return await astream(graph, new_run(TASK, **settings), thread_config(thread), Context.with_model(model, domain))


def test_astream_runs_the_same_loop_as_stream(async_checkpointer) -> None:
    async_values = asyncio.run(arun(async_checkpointer, REPLIES))
    sync_graph = build_graph(InMemorySaver())
    sync_values = stream(sync_graph, new_run(TASK), thread_config("t"), Context.with_model(ScriptedChatModel(replies=REPLIES), QA))
    assert async_values["outcome"] == sync_values["outcome"] == "solved"
    assert async_values["reflections"] == sync_values["reflections"] == ["I forgot that 2 is prime."]
    assert async_values["trials"] == sync_values["trials"]
    assert async_values["usage"] == sync_values["usage"]


def test_the_async_bodies_take_the_same_second_draws_as_the_sync_ones(async_checkpointer) -> None:
    # Trial 2 repeats trial 1 (drawn again at once), and the second lesson repeats the first (asked
    # again): both nodes make a second call, which each body must answer the same way.
    replies = ["Answer: 27", "Count the primes again.", "Answer: 27", "Answer: 26", "Count the primes again.", "Two is prime.", "Answer: 28"]
    settings = {"retry_temperature": 0.7, "max_trials": 3}
    async_values = asyncio.run(arun(async_checkpointer, replies, **settings))
    sync_values = stream(build_graph(InMemorySaver()), new_run(TASK, **settings), thread_config("t"),
                         Context.with_model(ScriptedChatModel(replies=list(replies)), QA))  # fmt: skip
    assert async_values["outcome"] == sync_values["outcome"] == "solved"
    assert async_values["reflections"] == sync_values["reflections"] == ["Count the primes again.", "Two is prime."]
    assert [t["candidate"] for t in async_values["trials"]] == [t["candidate"] for t in sync_values["trials"]] == ["27", "26", "28"]
    assert async_values["trials"][1]["trajectory"][0]["redrawn"] == "repeated trial 1"
    assert async_values["usage"] == sync_values["usage"] and async_values["usage"]["actor"]["calls"] == 4


class WatchedContext(Context):
    """Records the thread each model and domain lookup runs in: the first lookup may start the
    embedded server or a sandbox, which must never block the event loop (``langgraph dev`` refuses it)."""

    lookups: ClassVar[list[str]] = []

    def model(self, role):
        self.lookups.append(threading.current_thread().name)
        return super().model(role)

    def resolved_domain(self, run_settings=None):
        self.lookups.append(threading.current_thread().name)
        return super().resolved_domain(run_settings)


def test_the_async_bodies_make_the_context_objects_off_the_event_loop() -> None:
    WatchedContext.lookups.clear()
    loop_thread: list[str] = []

    async def main() -> dict[str, Any]:
        loop_thread.append(threading.current_thread().name)
        graph = build_graph(InMemorySaver())
        return await astream(graph, new_run(TASK), thread_config("t"), WatchedContext.with_model(ScriptedChatModel(replies=REPLIES), QA))

    assert asyncio.run(main())["outcome"] == "solved"
    assert len(WatchedContext.lookups) >= 5 and loop_thread[0] not in WatchedContext.lookups  # actor, evaluator, reflect: two trials


class SyncOnlyQA(QADomain):
    """A domain written before the async loop: ``act`` and ``evaluate`` only, blocking. Records the
    threads they ran in."""

    aact = Domain.aact  # as if it had never defined them: the defaults, a worker thread each
    aevaluate = Domain.aevaluate

    def __init__(self) -> None:
        self.threads: list[str] = []

    def act(self, step: Step, memory: ActorMemory) -> Attempt:
        self.threads.append(threading.current_thread().name)
        return super().act(step, memory)

    def evaluate(self, step: Step, attempt: Attempt) -> Evaluation:
        self.threads.append(threading.current_thread().name)
        return super().evaluate(step, attempt)


def test_a_synchronous_domain_runs_in_worker_threads_off_the_event_loop(async_checkpointer) -> None:
    domain = SyncOnlyQA()
    loop_thread: list[str] = []

    async def main() -> dict[str, Any]:
        loop_thread.append(threading.current_thread().name)
        return await arun(async_checkpointer, REPLIES, domain=domain)

    values = asyncio.run(main())
    assert values["outcome"] == "solved" and values["reflections"] == ["I forgot that 2 is prime."]
    assert len(domain.threads) == 4  # two trials: act and evaluate each
    assert loop_thread[0] not in domain.threads


def test_an_async_run_that_failed_resumes_where_it_stopped(async_checkpointer) -> None:
    async def main() -> tuple[dict[str, Any], ScriptedChatModel]:
        async with async_checkpointer() as saver:
            graph = build_graph(saver, domain=QA)
            failing = Context.with_model(ScriptedChatModel(replies=["Answer: 27", RuntimeError("endpoint went away")]), QA)
            with pytest.raises(Exception, match="endpoint went away"):
                await astream(graph, new_run(TASK), thread_config("t"), failing)
            model = ScriptedChatModel(replies=REPLIES[1:])
            values = await astream(graph, None, thread_config("t"), Context.with_model(model, QA))
            return values, model

    values, model = asyncio.run(main())
    assert values["outcome"] == "solved" and values["reflections"] == ["I forgot that 2 is prime."]
    assert len(model.prompts) == 2  # the reflection and trial 2: trial 1 was on disk and is not asked again


@pytest.mark.parametrize("async_checkpointer", ["sqlite", "postgres"], indirect=True)
def test_the_async_store_closes_after_the_writes_still_in_flight(async_checkpointer) -> None:
    """A cancelled run (Ctrl-C) leaves LangGraph finishing its checkpoint writes in tasks of their
    own; the store's connection closes after them. (Closing SQLite's under one kept its write lock:
    the next bench in the process failed with "database is locked".)"""
    config: Any = {"configurable": {"thread_id": "late", "checkpoint_ns": ""}}

    async def main() -> Any:
        async with async_checkpointer() as saver:
            late = asyncio.create_task(saver.aput(config, empty_checkpoint(), {}, {}))
            await asyncio.sleep(0)  # the write has started (it holds the saver's lock) when the store closes
        assert late.done() and late.exception() is None
        async with async_checkpointer() as saver:
            return await saver.aget_tuple({"configurable": {"thread_id": "late"}})

    assert asyncio.run(main()) is not None


class SlowModel(ScriptedChatModel):
    """Answers wrongly after an async wait, counting the calls in flight at once."""

    _in_flight: int = PrivateAttr(default=0)
    _most: int = PrivateAttr(default=0)

    async def _agenerate(self, messages: Sequence[BaseMessage], stop: list[str] | None = None, run_manager: Any = None, **kwargs: Any) -> ChatResult:
        self._in_flight += 1
        self._most = max(self._most, self._in_flight)
        try:
            await asyncio.sleep(0.05)
            return self._generate(messages, stop, **kwargs)
        finally:
            self._in_flight -= 1


def qa_tasks(count: int) -> list[dict[str, Any]]:
    return [{**TASK, "id": f"copy-{n}"} for n in range(count)]


@pytest.mark.parametrize("concurrency", [1, 4])
def test_run_bench_runs_tasks_on_one_loop_at_most_concurrency_at_once(tmp_path: Path, concurrency: int) -> None:
    model = SlowModel(respond=lambda prompt: "I guessed." if "Your attempt" in prompt else "Answer: 0")
    db = tmp_path / "runs.sqlite"
    with open_graph(QA, str(db)) as graph, ResultFile.open(tmp_path / "results.jsonl") as results:
        run = run_bench(graph, Context.with_model(model, QA), qa_tasks(8), results,
                        BenchSettings(max_trials=2, retry_temperature=0, concurrency=concurrency), db=db)  # fmt: skip
    assert len(run.written) == 8 and all(row["outcome"] == "failed" and row["trials"] == 2 for row in run.written)
    assert model._most == concurrency
    assert len(model.prompts) == 8 * 3


def test_run_bench_works_again_in_the_same_process_and_under_a_running_loop(tmp_path: Path) -> None:
    model = ScriptedChatModel(respond=lambda prompt: "Answer: 28")

    def bench(name: str) -> int:
        with open_graph(QA, str(tmp_path / "runs.sqlite")) as graph, ResultFile.open(tmp_path / name) as results:
            return len(run_bench(graph, Context.with_model(model, QA), qa_tasks(2), results, BenchSettings(), db=tmp_path / "runs.sqlite").written)

    async def in_a_notebook() -> int:  # a notebook cell runs inside an event loop
        return bench("second.jsonl")

    assert bench("first.jsonl") == 2
    assert asyncio.run(in_a_notebook()) == 2
    assert [row["outcome"] for row in read_rows(tmp_path / "second.jsonl")] == ["solved", "solved"]
