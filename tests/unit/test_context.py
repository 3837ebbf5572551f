"""The run-time context as plain data: what a server builds from JSON, and what it resolves to."""

from __future__ import annotations

import json

import pytest

from reflexion.context import Context, ModelConfig
from reflexion.domains.programming import ProgrammingDomain
from reflexion.errors import SettingsError
from reflexion.graphs import build_graph
from reflexion.resolve import domain_for, model_settings
from reflexion.testing.fakes import ScriptedChatModel


def test_a_context_is_built_from_json_as_a_server_sends_it() -> None:
    data = json.loads('{"actor": {"model": "gpt-4o", "temperature": 0.2}, "domain": "programming", "domain_settings": {"test_source": "visible"}}')
    context = Context(**data)
    assert context.actor == ModelConfig(model="gpt-4o", temperature=0.2)
    assert context.reflector == ModelConfig() and context.domain == "programming"
    domain = context.resolved_domain()
    assert isinstance(domain, ProgrammingDomain) and domain.options({"id": "t", "domain": "programming", "prompt": "", "data": {}}).test_source == "visible"
    assert context.resolved_domain() is domain, "made once per process"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"actor": {"modle": "x"}}, r"unknown actor model setting\(s\) modle; known: base_url, max_retries, max_tokens, model"),
        ({"reflector": "gpt-4o"}, r"context.reflector must be model settings .*Context.of"),
        ({"domain": ProgrammingDomain()}, r"context.domain must be a domain's name; pass a domain object with Context.of"),
    ],
)
def test_bad_context_data_is_one_clear_error(data: dict, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Context(**data)


def test_bad_domain_settings_are_one_clear_error() -> None:
    with pytest.raises(SettingsError, match=r"bad settings for domain 'programming' \(tests_source\)"):
        domain_for("programming", {"tests_source": "self"})
    with pytest.raises(SettingsError, match="test_source .* must be one of"):
        domain_for("programming", {"test_source": "hidden"})


def test_every_field_has_a_default_and_a_description_for_studios_form() -> None:
    schema = build_graph().get_context_jsonschema()
    assert set(schema["properties"]) == {"actor", "evaluator", "reflector", "domain", "domain_settings"}
    assert not schema.get("required")
    model_config = next(iter(schema["$defs"].values()))
    for name in ("actor", "evaluator", "reflector", "domain", "domain_settings"):
        assert schema["properties"][name]["description"]
    assert set(model_config["properties"]) == {"model", "base_url", "temperature", "max_tokens", "timeout_s", "max_retries"}
    assert all(p["description"] for p in model_config["properties"].values())
    assert "api_key" not in json.dumps(schema), "keys stay in the environment"


def test_a_roles_settings_are_the_context_then_the_environment_then_the_defaults() -> None:
    env = {"REFLEXION_MODEL": "env-model", "REFLEXION_BASE_URL": "http://env/v1", "REFLEXION_API_KEY": "sk-env", "REFLEXION_TEMPERATURE": "0.3"}
    settings = model_settings("reflector", ModelConfig(model="ctx-model", max_tokens=50), env)
    assert (settings.model, settings.base_url, settings.api_key) == ("ctx-model", "http://env/v1", "sk-env")
    assert (settings.temperature, settings.max_tokens, settings.max_retries) == (0.3, 50, 3)


def test_objects_go_through_the_one_seam() -> None:
    model = ScriptedChatModel(replies=["Answer: 28"])
    domain = ProgrammingDomain()
    context = Context.with_model(model, domain)
    assert context.model("actor") is model and context.model("reflector") is model
    assert context.resolved_domain() is domain and context.domain == "programming"


def test_a_resumed_run_keeps_the_domain_settings_it_started_with(monkeypatch: pytest.MonkeyPatch) -> None:
    """A HotPotQA thread started with the exact-match evaluator, resumed after a crash in an
    environment that asks for the LLM judge, still scores by exact match: the settings are in its state."""
    from langgraph.checkpoint.memory import InMemorySaver

    from reflexion.domains import get_domain
    from reflexion.errors import ModelError
    from reflexion.runner import stream, thread_config
    from reflexion.state import new_run

    domain = get_domain("hotpotqa-cot-gt")
    assert domain.settings() == {"evaluator": "exact"}
    task = domain.load_tasks()[0]
    graph = build_graph(InMemorySaver())
    crashing = ScriptedChatModel(replies=["Answer: nobody", RuntimeError("endpoint went away")])
    with pytest.raises(ModelError):
        stream(graph, new_run(task, max_trials=2, domain_settings=domain.settings()), thread_config("h"), Context.with_model(crashing, domain))
    monkeypatch.setenv("REFLEXION_HOTPOTQA_EVALUATOR", "llm")
    judge = ScriptedChatModel(replies=[])  # the LLM judge would ask it; exact match asks nobody
    resumed = Context.of(actor=ScriptedChatModel(replies=[f"Answer: {task['data']['answer']}"]), evaluator=judge,
                         reflector=ScriptedChatModel(replies=["Read the paragraphs again."]), domain=get_domain("hotpotqa-cot-gt"))  # fmt: skip
    assert resumed.resolved_domain().settings() == {"evaluator": "llm"}, "today's environment says llm"
    values = stream(graph, None, thread_config("h"), resumed)
    assert values["outcome"] == "solved" and judge.prompts == [], "scored by exact match, as the run began"
    assert values["domain_settings"] == {"evaluator": "exact"}
