"""The body of a Ray bench task, run here without Ray: from plain data to a row, against PostgreSQL
and the OpenAI stub over HTTP. A finished thread gives its row again without a model call; a thread
whose lock a dead worker still holds is waited for; failures come back as data."""

from __future__ import annotations

import threading
from dataclasses import asdict
from pathlib import Path

import pytest

from reflexion.bench import BenchSettings, bench_thread_id, ray_executor
from reflexion.bench.ray_executor import TaskFailure, TaskJob, portable_context, run_job
from reflexion.checkpoint import thread_lock
from reflexion.domains import get_domain
from reflexion.testing.openai_stub import Fault, OpenAIStub, Rule, Script

pytestmark = pytest.mark.slow

RULES = [Rule("I forgot February 29.", model="stub-reflector"), Rule("Answer: 366", model="stub-actor", when="February 29"),
         Rule("Answer: 365", model="stub-actor")]  # fmt: skip


def job(stub: OpenAIStub, db: str, tmp_path: Path) -> TaskJob:
    domain = get_domain("qa")
    [task] = [t for t in domain.load_tasks(None) if t["id"] == "days-leap"]
    context = portable_context(domain, stub.client_env())
    return TaskJob(task=task, thread_id=bench_thread_id(tmp_path / "r.jsonl", task["id"], "reflexion"), context=asdict(context),
                   settings=BenchSettings(max_trials=2), db=db)  # fmt: skip


def test_a_job_runs_its_thread_and_a_finished_thread_gives_its_row_again(postgres_url: str, tmp_path: Path) -> None:
    with OpenAIStub(Script(rules=RULES)) as stub:
        work = job(stub, postgres_url, tmp_path)
        row = run_job(work)
        assert not isinstance(row, TaskFailure)
        assert (row["task_id"], row["outcome"], row["trials"], row["reflections"]) == ("days-leap", "solved", 2, ["I forgot February 29."])
        calls = len(stub.requests)
        again = run_job(work)
        assert not isinstance(again, TaskFailure) and again["resumed"] and len(stub.requests) == calls
        assert {k: v for k, v in again.items() if k not in ("wall_s", "resumed")} == {k: v for k, v in row.items() if k not in ("wall_s", "resumed")}


def test_a_held_lock_is_waited_for_then_given_up_on(postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ray_executor, "LOCK_WAIT_S", 1.0)
    with OpenAIStub(Script(rules=RULES)) as stub:
        work = job(stub, postgres_url, tmp_path)
        with thread_lock(work.thread_id, postgres_url):
            failure = run_job(work)
        assert isinstance(failure, TaskFailure) and failure.kind == "RunLockedError" and stub.requests == []
        monkeypatch.setattr(ray_executor, "LOCK_WAIT_S", 30.0)
        held, release = threading.Event(), threading.Event()

        def hold() -> None:  # a predecessor whose lock goes away a moment later
            with thread_lock(work.thread_id, postgres_url):
                held.set()
                release.wait(30)

        holder = threading.Thread(target=hold)
        holder.start()
        held.wait(30)
        threading.Timer(1.5, release.set).start()
        row = run_job(work)
        holder.join()
        assert not isinstance(row, TaskFailure) and row["outcome"] == "solved"


def test_a_model_that_fails_for_good_comes_back_as_a_model_error(postgres_url: str, tmp_path: Path) -> None:
    with OpenAIStub(Script(rules=RULES, faults=[Fault("http", status=401)])) as stub:
        failure = run_job(job(stub, postgres_url, tmp_path))
    assert isinstance(failure, TaskFailure) and failure.model is not None
    assert failure.model[0] == "actor" and stub.base_url in failure.model[1] and "401" in failure.model[2]
