"""The parts of ``--executor ray`` that need no cluster: what a task carries (plain data, no key),
how a worker's failure comes back to the driver, and what is refused before anything starts."""

from __future__ import annotations

import json
import pickle
from dataclasses import asdict

import pytest

from reflexion.bench import BenchSettings
from reflexion.bench.ray_executor import OPENAI_URL, TaskFailure, check_ray_request, portable_context
from reflexion.cli.bench import BenchRequest, bench_command
from reflexion.context import Context
from reflexion.domains import get_domain
from reflexion.errors import ModelError, ReflexionError, RunLockedError, SettingsError

PG = "postgresql://u:secret@db.internal/bench"


def test_a_task_carries_the_endpoints_and_settings_but_never_a_key() -> None:
    env = {"REFLEXION_BASE_URL": "http://10.0.0.9:8000/v1", "REFLEXION_API_KEY": "sk-live-123", "REFLEXION_ACTOR_MODEL": "big",
           "REFLEXION_REFLECTOR_TEMPERATURE": "0.5", "REFLEXION_TIMEOUT": "30"}  # fmt: skip
    context = portable_context(get_domain("programming"), env)
    plain = asdict(context)
    assert "sk-live-123" not in json.dumps(plain), "API keys stay in each worker's environment"
    assert plain["actor"]["model"] == "big" and plain["actor"]["base_url"] == "http://10.0.0.9:8000/v1"
    assert plain["reflector"]["temperature"] == 0.5 and plain["evaluator"]["timeout_s"] == 30.0
    assert plain["domain"] == "programming" and plain["domain_settings"] == get_domain("programming").settings()
    again = Context(**pickle.loads(pickle.dumps(plain)))  # what a worker rebuilds
    assert again.actor == context.actor and again.resolved_domain().settings() == plain["domain_settings"]


def test_with_only_an_openai_key_the_workers_are_sent_to_openai_not_to_an_embedded_model() -> None:
    plain = asdict(portable_context(get_domain("qa"), {"OPENAI_API_KEY": "sk-x"}))
    assert {plain[role]["base_url"] for role in ("actor", "evaluator", "reflector")} == {OPENAI_URL}


def test_a_workers_failure_comes_back_as_the_same_error() -> None:
    model = pickle.loads(pickle.dumps(TaskFailure.of(ModelError("reflector", "http://x/v1 (m)", "HTTP 401")))).error()
    assert isinstance(model, ModelError) and (model.role, model.endpoint, model.reason) == ("reflector", "http://x/v1 (m)", "HTTP 401")
    assert str(model) == "reflector model at http://x/v1 (m) failed: HTTP 401"
    locked = TaskFailure.of(RunLockedError("thread 't' is being run by another process right now")).error()
    assert isinstance(locked, RunLockedError) and str(locked) == "thread 't' is being run by another process right now"
    other = TaskFailure.of(ReflexionError("thread x stopped before its end")).error()
    assert type(other) is ReflexionError and str(other) == "thread x stopped before its end"


@pytest.mark.parametrize(
    ("db", "settings", "gguf", "env", "message"),
    [
        ("runs.sqlite", BenchSettings(), None, {}, "--executor ray needs a PostgreSQL --db (postgresql://user:password@host/db)"),
        (None, BenchSettings(), None, {"REFLEXION_DB": "/data/runs.sqlite"}, "not the SQLite file /data/runs.sqlite"),
        (PG, BenchSettings(concurrency=4), None, {}, "--concurrency is for the local executor"),
        (PG, BenchSettings(), "qwen2.5-coder-0.5b", {}, "--executor ray needs a model endpoint every worker reaches"),
        (PG, BenchSettings(), None, {"REFLEXION_BASE_URL": ""}, "--executor ray needs a model endpoint every worker reaches"),
        (PG, BenchSettings(), None, {"RAY_ADDRESS": "head.internal"}, "RAY_ADDRESS='head.internal' is not host:port"),
    ],
    ids=["sqlite", "sqlite from REFLEXION_DB", "concurrency", "gguf", "embedded model", "address without port"],
)
def test_what_a_distributed_bench_cannot_do_is_refused_before_it_starts(
    db: str | None, settings: BenchSettings, gguf: str | None, env: dict[str, str], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REFLEXION_BASE_URL", "http://10.0.0.9:8000/v1")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as refused:
        check_ray_request(db, settings, gguf)
    assert message in str(refused.value) and "secret" not in str(refused.value)


def test_the_resume_hint_keeps_the_executor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFLEXION_BASE_URL", "http://10.0.0.9:8000/v1")
    request = BenchRequest(source="humaneval", settings=BenchSettings(max_trials=3), db=PG, executor="ray")
    assert bench_command(request) == f"reflexion bench humaneval --strategy reflexion --max-trials 3 --window 3 --executor ray --db {PG}"
