"""A run whose context is plain data, as a LangGraph server passes it: the models and the domain are
made from it (real ChatOpenAI clients, real HTTP to the stub), with the key from the environment."""

from __future__ import annotations

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from drivers.faults import ACTOR, REFLECTOR, TASK
from reflexion.graphs import build_graph
from reflexion.state import new_run
from reflexion.testing.openai_stub import OpenAIStub


def test_a_json_context_runs_the_loop_over_http(stub: OpenAIStub, monkeypatch: pytest.MonkeyPatch) -> None:
    # Only the endpoint and its key in the environment; the model names come from the context.
    monkeypatch.setenv("REFLEXION_BASE_URL", stub.base_url)
    monkeypatch.setenv("REFLEXION_API_KEY", "sk-test")
    context = {"actor": {"model": ACTOR}, "evaluator": {"model": ACTOR}, "reflector": {"model": REFLECTOR, "max_tokens": 99}, "domain": "qa"}
    final = build_graph(InMemorySaver()).invoke(new_run(TASK, max_trials=3), {"configurable": {"thread_id": "t"}}, context=context)
    assert final["outcome"] == "solved" and final["trial"] == 2 and len(final["reflections"]) == 1
    assert [request.model for request in stub.requests] == [ACTOR, REFLECTOR, ACTOR]
    assert final["usage"]["reflector"]["calls"] == 1
