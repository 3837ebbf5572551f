"""Model faults over real HTTP: the real ``ChatOpenAI`` client against the local OpenAI stub.

Transient faults are retried by the client (with backoff, honouring Retry-After); permanent ones
become one ``ModelError`` line naming the role and endpoint, and the stopped thread resumes with
its reflections intact; garbage output is a failed step with feedback. The end-to-end cases run the
compiled graph on the QA domain (see ``drivers.faults``)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from langchain_openai import ChatOpenAI
from langgraph.checkpoint.memory import InMemorySaver

from drivers.faults import (
    ACTOR,
    FAULT_CASES,
    LESSON,
    REFLECTION,
    REFLECTOR,
    RIGHT,
    TASK,
    WRONG,
    FaultRun,
    judge,
    run_case,
    run_fault_matrix,
)
from reflexion.checkpoint import open_checkpointer
from reflexion.context import Context
from reflexion.domains.qa import QADomain
from reflexion.errors import ModelError
from reflexion.graphs import build_graph
from reflexion.llm import RoleModel
from reflexion.state import new_run
from reflexion.testing.openai_stub import STUB_MODELS, Fault, OpenAIStub, unused_port

QUESTION = TASK["prompt"]


def actor(stub: OpenAIStub, **settings: float) -> RoleModel:
    return RoleModel("actor", stub.chat_model(ACTOR, **{"timeout": 2, "max_retries": 2, **settings}))


def context(stub: OpenAIStub, **settings: float) -> Context:
    models = {role: stub.chat_model(name, **{"timeout": 2, "max_retries": 2, **settings}) for role, name in STUB_MODELS.items()}
    return Context.of(domain=QADomain(), **models)


@contextmanager
def memory_saver(tmp_path: Path) -> Iterator[InMemorySaver]:
    yield InMemorySaver()


@pytest.fixture(params=[memory_saver, open_checkpointer], ids=["memory", "sqlite"])
def checkpointer(request: pytest.FixtureRequest, tmp_path: Path):
    with request.param(tmp_path / "runs.sqlite") as saver:
        yield saver


# -- transient faults: retried by the client --


def test_429_is_retried_after_the_servers_retry_after(stub: OpenAIStub) -> None:
    stub.script.faults.append(Fault("http", status=429, retry_after=1, times=1))
    llm = actor(stub)
    assert llm.ask(QUESTION) == WRONG
    first, second = stub.requests
    assert (first.status, second.status) == (429, 200)
    # The client's own backoff would wait at most 0.5 s; waiting a full second means Retry-After was read.
    assert second.at - first.at >= 0.95
    assert llm.usage == {
        "calls": 1,
        "input_tokens": second.usage["prompt_tokens"],
        "output_tokens": second.usage["completion_tokens"],
    }


def test_5xx_replies_are_retried_until_one_succeeds(stub: OpenAIStub) -> None:
    stub.script.faults += [Fault("http", status=500, requests=(1,)), Fault("http", status=503, requests=(2,))]
    assert actor(stub, max_retries=2).ask(QUESTION) == WRONG
    assert [r.status for r in stub.requests] == [500, 503, 200]


def test_a_hung_reply_times_out_and_is_retried(stub: OpenAIStub) -> None:
    stub.script.faults.append(Fault("hang", seconds=30, times=1))
    started = time.monotonic()
    assert actor(stub, timeout=1, max_retries=1).ask(QUESTION) == WRONG
    assert time.monotonic() - started < 5  # one 1 s timeout and a short backoff, not the 30 s hang
    assert [r.fault for r in stub.requests] == ["hang", None]


# -- permanent faults: one ModelError line that names the role and the endpoint --


def test_401_is_not_retried_and_names_role_and_endpoint(stub: OpenAIStub) -> None:
    stub.script.faults.append(Fault("http", status=401))
    with pytest.raises(ModelError) as caught:
        actor(stub, max_retries=3).ask(QUESTION)
    error = caught.value
    assert len(stub.requests) == 1
    assert error.role == "actor" and stub.base_url in error.endpoint and ACTOR in error.endpoint
    assert str(error).startswith(f"actor model at {stub.base_url}") and "401" in str(error)
    assert "\n" not in str(error)


def test_retries_run_out_on_a_server_that_stays_down(stub: OpenAIStub) -> None:
    stub.script.faults.append(Fault("http", status=503, retry_after=0.05))
    with pytest.raises(ModelError, match=r"^actor model at .* failed: HTTP 503"):
        actor(stub, max_retries=2).ask(QUESTION)
    assert [r.status for r in stub.requests] == [503, 503, 503]  # the first try and two retries


def test_connection_refused_when_nothing_listens() -> None:
    stopped = OpenAIStub().start()
    stopped.stop()  # a server that went away ...
    nowhere = f"http://127.0.0.1:{unused_port()}/v1"  # ... and a port that never had one
    for base_url in (stopped.base_url, nowhere):
        llm = RoleModel("reflector", ChatOpenAI(model=REFLECTOR, base_url=base_url, api_key="sk-test", timeout=1, max_retries=1))
        with pytest.raises(ModelError) as caught:
            llm.ask("anything")
        assert caught.value.role == "reflector" and base_url in str(caught.value)
        assert "\n" not in str(caught.value) and llm.usage["calls"] == 0


def test_malformed_json_body_is_a_model_error(stub: OpenAIStub) -> None:
    stub.script.faults.append(Fault("malformed", times=1))
    llm = actor(stub)
    with pytest.raises(ModelError) as caught:
        llm.ask(QUESTION)
    assert caught.value.role == "actor" and "\n" not in str(caught.value)
    assert llm.usage["calls"] == 0
    assert llm.ask(QUESTION) == WRONG  # the next call is fine: nothing is left in a broken state


# -- garbage output: a reply, but not a usable one --


def test_empty_and_cut_off_replies_come_back_as_text_with_their_usage(stub: OpenAIStub) -> None:
    stub.script.faults += [Fault("empty", requests=(1,)), Fault("length", keep_words=2, requests=(2,))]
    llm = actor(stub)
    assert llm.ask(QUESTION) == ""
    assert llm.ask(QUESTION).startswith(" ".join(WRONG.split()[:2]))
    empty, cut = stub.requests
    assert llm.usage == {
        "calls": 2,
        "input_tokens": empty.usage["prompt_tokens"] + cut.usage["prompt_tokens"],
        "output_tokens": 0 + 2,
    }


# -- end to end: the compiled graph on the QA domain --


def test_permanent_fault_stops_the_run_and_the_thread_resumes(stub: OpenAIStub, checkpointer) -> None:
    stub.script.faults.append(Fault("http", status=401, model=ACTOR, when=LESSON))  # trial 2's actor call
    graph = build_graph(checkpointer)
    config = {"configurable": {"thread_id": "qa-401"}}

    with pytest.raises(ModelError, match=r"^actor model at .* failed: HTTP 401"):
        graph.invoke(new_run(TASK, max_trials=3), config, context=context(stub))

    stopped = graph.get_state(config)
    assert stopped.next == ("actor",)
    assert stopped.values["reflections"] == [REFLECTION]
    assert [t["candidate"] for t in stopped.values["trials"]] == ["Sydney"]
    delivered = [r for r in stub.requests if r.status == 200]
    assert stopped.values["usage"] == {
        role: {"calls": 1, "input_tokens": r.usage["prompt_tokens"], "output_tokens": r.usage["completion_tokens"]}
        for role, r in zip(("actor", "reflector"), delivered, strict=True)
    }

    stub.script.faults.clear()
    final = graph.invoke(None, config, context=context(stub))

    assert final["outcome"] == "solved" and final["candidate"] == "Canberra"
    assert final["reflections"] == [REFLECTION]  # written before the fault, kept, not written twice
    assert [(r.model, r.status) for r in stub.requests] == [(ACTOR, 200), (REFLECTOR, 200), (ACTOR, 401), (ACTOR, 200)]
    assert LESSON in stub.requests[-1].prompt  # the resumed actor read the lesson from before the fault
    assert final["usage"]["actor"]["calls"] == 2 and final["usage"]["reflector"]["calls"] == 1


def test_empty_actor_reply_is_a_failed_trial_with_feedback(stub: OpenAIStub) -> None:
    stub.script.faults.append(Fault("empty", model=ACTOR, times=1))
    final = build_graph().invoke(new_run(TASK, max_trials=3), context=context(stub))
    first = final["trials"][0]
    assert first["candidate"] == "" and not first["feedback"]["success"]
    assert first["feedback"]["text"].startswith("No answer found")
    assert final["outcome"] == "solved" and len(final["trials"]) == 2
    assert final["usage"]["actor"]["calls"] == 2  # the empty reply was a call too


def test_empty_reflection_falls_back_to_the_feedback(stub: OpenAIStub) -> None:
    stub.script.faults.append(Fault("empty", model=REFLECTOR, times=1))
    final = build_graph().invoke(new_run(TASK, max_trials=3), context=context(stub))
    assert final["reflections"][0].startswith("(The reflector gave no reflection.)")
    assert "'Sydney' is wrong" in final["reflections"][0]
    assert final["reflections"][1] == REFLECTION
    assert [t["candidate"] for t in final["trials"]] == ["Sydney", "Sydney", "Canberra"]


def test_cut_off_reply_is_a_failed_trial_with_feedback(stub: OpenAIStub) -> None:
    stub.script.faults.append(Fault("length", keep_words=4, model=ACTOR, times=1))
    final = build_graph().invoke(new_run(TASK, max_trials=3), context=context(stub))
    first = final["trials"][0]
    assert first["trajectory"][0]["thought"].startswith("Sydney is the largest")
    assert not first["feedback"]["success"] and first["feedback"]["text"].startswith("No answer found")
    assert final["outcome"] == "solved"


def test_the_reflector_is_told_that_a_reply_was_cut_off(stub: OpenAIStub) -> None:
    stub.script.faults.append(Fault("length", keep_words=4, model=ACTOR, times=1))
    build_graph().invoke(new_run(TASK, max_trials=3), context=context(stub))
    reflect_prompt = next(r.prompt for r in stub.requests if r.model == REFLECTOR)
    assert "cut off" in reflect_prompt


def test_replies_depend_only_on_the_request(stub: OpenAIStub) -> None:
    """What makes kill + resume comparable with an uninterrupted run: no counters in the replies."""
    first = build_graph().invoke(new_run(TASK, max_trials=3), context=context(stub))
    again = build_graph().invoke(new_run(TASK, max_trials=3), context=context(stub))
    assert [t["candidate"] for t in first["trials"]] == ["Sydney", "Canberra"]
    assert first["trials"] == again["trials"] and first["reflections"] == again["reflections"] == [REFLECTION]
    assert first["usage"] == again["usage"]
    assert [t["trajectory"][0]["thought"] for t in first["trials"]] == [WRONG, RIGHT]


# -- the fault matrix, case by case (what bench/reliability.py prints) --


@pytest.mark.parametrize("case", FAULT_CASES, ids=[case.kind for case in FAULT_CASES])
def test_fault_matrix_case(case) -> None:
    run: FaultRun = run_case(case)
    handled, observed = judge(run)
    assert handled, observed
    assert (run.error is not None) == (case.expect == "ModelError, resumed")


def test_matrix_reports_a_crash_as_an_unhandled_row(monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(case, **kwargs):
        raise KeyError("boom")

    monkeypatch.setattr("drivers.faults.run_case", crash)
    (row,) = run_fault_matrix(FAULT_CASES[:1])
    assert row["handled"] is False and row["survived"] == 0 and row["observed"].startswith("crashed: KeyError")
