"""Model settings from the environment: per-role overrides, fallbacks, the embedded-default rule."""

from __future__ import annotations

import pytest

from reflexion.errors import SettingsError
from reflexion.models import ROLES, chat_model, open_models, settings_from_env, uses_embedded_model


def test_per_role_settings_win_over_global_and_openai_ones():
    env = {
        "OPENAI_API_KEY": "sk-openai",
        "OPENAI_BASE_URL": "http://openai.example/v1",
        "REFLEXION_MODEL": "shared-model",
        "REFLEXION_ACTOR_MODEL": "actor-model",
        "REFLEXION_REFLECTOR_BASE_URL": "http://reflector:8000/v1",
        "REFLEXION_REFLECTOR_API_KEY": "sk-reflector",
        "REFLEXION_TEMPERATURE": "0.7",
        "REFLEXION_EVALUATOR_TEMPERATURE": "0",
        "REFLEXION_TIMEOUT": "30",
        "REFLEXION_MAX_RETRIES": "5",
    }
    actor, evaluator, reflector = (settings_from_env(role, env) for role in ROLES)
    assert (actor.model, evaluator.model, reflector.model) == ("actor-model", "shared-model", "shared-model")
    assert actor.base_url == "http://openai.example/v1" and actor.api_key == "sk-openai"
    assert reflector.base_url == "http://reflector:8000/v1" and reflector.api_key == "sk-reflector"
    assert (actor.temperature, evaluator.temperature) == (0.7, 0.0)
    assert actor.timeout_s == 30.0 and actor.max_retries == 5
    assert (actor.max_tokens, evaluator.max_tokens, reflector.max_tokens) == (1024, 400, 300)


def test_the_client_gets_the_settings():
    llm = chat_model(settings_from_env("actor", {"REFLEXION_BASE_URL": "http://h:1/v1", "REFLEXION_MODEL": "m", "REFLEXION_TIMEOUT": "7"}))
    assert llm.openai_api_base == "http://h:1/v1" and llm.model_name == "m" and llm.request_timeout == 7.0


@pytest.mark.parametrize("env", [{}, {"REFLEXION_MODEL": "gpt-4o"}, {"REFLEXION_TEMPERATURE": "0.2"}])
def test_embedded_model_is_the_default_only_without_any_endpoint(env):
    assert uses_embedded_model(env)


@pytest.mark.parametrize("name", ["OPENAI_API_KEY", "OPENAI_BASE_URL", "REFLEXION_BASE_URL", "REFLEXION_ACTOR_API_KEY"])
def test_any_endpoint_setting_turns_the_embedded_default_off(name):
    assert not uses_embedded_model({name: "x"})


@pytest.mark.parametrize(("name", "value"), [("REFLEXION_TIMEOUT", "soon"), ("REFLEXION_MAX_RETRIES", "-1"), ("REFLEXION_ACTOR_TEMPERATURE", "hot")])
def test_bad_numbers_are_clear_errors(name, value):
    with pytest.raises(SettingsError, match=name.replace("ACTOR_", "")):
        settings_from_env("actor", {name: value})


def test_a_role_without_an_endpoint_is_named():
    env = {"REFLEXION_ACTOR_BASE_URL": "http://actor/v1"}  # evaluator and reflector have nothing
    with pytest.raises(SettingsError, match="the evaluator model has no endpoint"), open_models(env):
        pass


def test_one_endpoint_for_all_three_roles():
    with open_models({"REFLEXION_BASE_URL": "http://one/v1", "REFLEXION_API_KEY": "k"}) as models:
        assert {m.openai_api_base for m in models.values()} == {"http://one/v1"}
        assert set(models) == set(ROLES)


def test_a_model_name_without_a_key_is_a_missing_key_not_the_embedded_model():
    with pytest.raises(SettingsError, match="REFLEXION_MODEL is set but no endpoint is: set OPENAI_API_KEY"), open_models({"REFLEXION_MODEL": "gpt-4o"}):
        pass


class _FakeServer:
    """Stands in for the embedded llama.cpp server: no process, a fixed URL."""

    base_url = "http://127.0.0.1:9/v1"

    def __init__(self, path):
        self.path = path

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@pytest.fixture
def embedded(monkeypatch, tmp_path):
    import reflexion.local

    model = tmp_path / "tiny.gguf"
    monkeypatch.setattr(reflexion.local, "LocalServer", _FakeServer)
    monkeypatch.setattr(reflexion.local, "find_gguf", lambda name=None, announce=print: model)
    return model


def test_the_embedded_model_waits_long_for_a_slow_cpu_reply_unless_a_timeout_is_set(embedded):
    from reflexion.models import EMBEDDED_TIMEOUT_S

    with open_models({}, announce=lambda line: None) as models:
        assert {role: llm.request_timeout for role, llm in models.items()} == dict.fromkeys(ROLES, EMBEDDED_TIMEOUT_S)
        assert models["actor"].openai_api_base == _FakeServer.base_url and models["actor"].model_name == "tiny"
    with open_models({"REFLEXION_TIMEOUT": "60", "REFLEXION_REFLECTOR_TIMEOUT": "5"}, announce=lambda line: None) as models:
        assert {role: llm.request_timeout for role, llm in models.items()} == {"actor": 60.0, "evaluator": 60.0, "reflector": 5.0}


def test_a_context_without_an_endpoint_gets_the_embedded_timeout_unless_it_sets_one(monkeypatch):
    import reflexion.resolve
    from reflexion.context import ModelConfig
    from reflexion.models import EMBEDDED_TIMEOUT_S

    class Server:
        model, base_url = "tiny", "http://127.0.0.1:9/v1"

    monkeypatch.setattr(reflexion.resolve, "_embedded_server", lambda: Server)
    for name in [n for n in __import__("os").environ if n.startswith(("REFLEXION_", "OPENAI_"))]:
        monkeypatch.delenv(name)
    assert reflexion.resolve.chat_model_for("actor", ModelConfig()).request_timeout == EMBEDDED_TIMEOUT_S
    assert reflexion.resolve.chat_model_for("actor", ModelConfig(timeout_s=30)).request_timeout == 30.0
