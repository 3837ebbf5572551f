"""The server-side fixes that make llama-cpp-python honour ChatOpenAI's ``max_completion_tokens`` and
OpenAI's "no repetition penalty unless asked" semantics."""

from __future__ import annotations

from importlib.util import find_spec

import pytest

pytestmark = pytest.mark.skipif(
    find_spec("llama_cpp") is None or find_spec("sse_starlette") is None,
    reason='the [local] extra is not installed (pip install -e ".[local]")',
)


@pytest.fixture
def request_model(monkeypatch: pytest.MonkeyPatch) -> type:
    from llama_cpp.server import types

    from reflexion.local.compat import accept_max_completion_tokens

    monkeypatch.setattr(types, "CreateChatCompletionRequest", types.CreateChatCompletionRequest)  # restored afterwards
    accept_max_completion_tokens()
    accept_max_completion_tokens()  # idempotent
    return types.CreateChatCompletionRequest


def test_max_completion_tokens_becomes_the_servers_max_tokens(request_model: type) -> None:
    body = request_model.model_validate({"messages": [{"role": "user", "content": "hi"}], "max_completion_tokens": 7})
    assert body.max_tokens == 7
    assert "max_completion_tokens" not in body.model_dump(), "nothing unknown reaches Llama.create_chat_completion"


def test_an_explicit_max_tokens_wins_and_no_budget_stays_none(request_model: type) -> None:
    assert request_model.model_validate({"messages": [], "max_tokens": 3, "max_completion_tokens": 7}).max_tokens == 3
    assert request_model.model_validate({"messages": []}).max_tokens is None


def test_patching_twice_adds_one_layer_only(request_model: type) -> None:
    original = request_model.__mro__[1]
    assert (original.__module__, original.__name__) == ("llama_cpp.server.types", "CreateChatCompletionRequest")


def test_no_repetition_penalty_unless_the_request_names_one(request_model: type) -> None:
    assert request_model.model_validate({"messages": []}).repeat_penalty == 1.0
    assert request_model.model_validate({"messages": [], "repeat_penalty": 1.3}).repeat_penalty == 1.3
