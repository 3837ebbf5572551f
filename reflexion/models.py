"""The three model roles, configured from the environment (and ``.env``, via python-dotenv).

Each setting is read per role first, then for all roles, then from OpenAI's own variables:
``REFLEXION_ACTOR_MODEL`` > ``REFLEXION_MODEL``; ``REFLEXION_ACTOR_BASE_URL`` > ``REFLEXION_BASE_URL`` >
``OPENAI_BASE_URL``; ``REFLEXION_ACTOR_API_KEY`` > ``REFLEXION_API_KEY`` > ``OPENAI_API_KEY``; and likewise
``_TEMPERATURE``, ``_TIMEOUT``, ``_MAX_RETRIES``, ``_MAX_TOKENS`` (roles: ACTOR, EVALUATOR, REFLECTOR).

Selection rule: explicit endpoint settings win. When no base URL and no API key is set anywhere,
the embedded local model (``reflexion.local``) is started and used for all three roles.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, Literal

from langchain_openai import ChatOpenAI
from pydantic import SecretStr

from reflexion.errors import SettingsError

Role = Literal["actor", "evaluator", "reflector"]
ROLES: tuple[Role, ...] = ("actor", "evaluator", "reflector")
DEFAULT_REMOTE_MODEL = "gpt-4o-mini"
DEFAULT_MAX_TOKENS: dict[Role, int] = {"actor": 1024, "evaluator": 400, "reflector": 300}
# The embedded server runs on the machine's CPU, one request at a time: on a busy 2-core machine a
# 1,024-token reply at 3-4 tokens/s, queued behind the other roles' calls, takes minutes, and a
# request given up and sent again only queues behind the one the server is still writing. So its
# default timeout is there to catch a hung server, not a slow one (REFLEXION_TIMEOUT still wins).
EMBEDDED_TIMEOUT_S = 1800.0


@dataclass(frozen=True)
class ModelSettings:
    model: str
    base_url: str | None = None
    api_key: str | None = None
    temperature: float = 0.0
    timeout_s: float = 120.0
    max_retries: int = 3
    max_tokens: int | None = 1024

    @property
    def endpoint(self) -> str:
        return f"{self.base_url or 'https://api.openai.com/v1'} ({self.model})"


def load_env(dotenv_path: str | None = None) -> None:
    """Read ``.env`` (from the working directory up) into the environment; real env vars win."""
    from dotenv import find_dotenv, load_dotenv

    load_dotenv(dotenv_path or find_dotenv(usecwd=True), override=False)


def _lookup(env: Mapping[str, str], role: Role, key: str, *fallbacks: str) -> str | None:
    for name in (f"REFLEXION_{role.upper()}_{key}", f"REFLEXION_{key}", *fallbacks):
        value = env.get(name)
        if value not in (None, ""):
            return value
    return None


def _number(env: Mapping[str, str], role: Role, key: str, default: float) -> float:
    raw = _lookup(env, role, key)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"REFLEXION_{key} (or the {role} override) must be a number, got {raw!r}") from None
    if value < 0:
        raise SettingsError(f"REFLEXION_{key} (or the {role} override) must not be negative, got {raw!r}")
    return value


def _whole(env: Mapping[str, str], role: Role, key: str, default: int) -> int:
    value = _number(env, role, key, default)
    if value != int(value):
        raise SettingsError(f"REFLEXION_{key} (or the {role} override) must be a whole number, got {_lookup(env, role, key)!r}")
    return int(value)


def uses_embedded_model(env: Mapping[str, str] | None = None) -> bool:
    """True when no endpoint is configured anywhere, so the embedded local model is the default."""
    env = os.environ if env is None else env
    keys = ("BASE_URL", "API_KEY")
    names = [f"REFLEXION_{r.upper()}_{k}" for r in ROLES for k in keys] + [f"REFLEXION_{k}" for k in keys]
    return not any(env.get(n) for n in [*names, "OPENAI_BASE_URL", "OPENAI_API_KEY"])


def settings_from_env(role: Role, env: Mapping[str, str] | None = None) -> ModelSettings:
    env = os.environ if env is None else env
    # A reflection is a few sentences (the paper's are 2-5), and the evaluator writes five asserts or a
    # one-word verdict: caps keep weak models from rambling (the 0.5B test writer ran on to 1,024
    # tokens of repeated asserts, of which five are kept).
    max_tokens = _whole(env, role, "MAX_TOKENS", DEFAULT_MAX_TOKENS[role])
    return ModelSettings(
        model=_lookup(env, role, "MODEL") or DEFAULT_REMOTE_MODEL,
        base_url=_lookup(env, role, "BASE_URL", "OPENAI_BASE_URL"),
        api_key=_lookup(env, role, "API_KEY", "OPENAI_API_KEY"),
        temperature=_number(env, role, "TEMPERATURE", 0.0),
        timeout_s=_number(env, role, "TIMEOUT", 120.0),
        max_retries=_whole(env, role, "MAX_RETRIES", 3),
        max_tokens=max_tokens or None,  # 0: no cap
    )


def chat_model(settings: ModelSettings) -> ChatOpenAI:
    if not settings.api_key and not settings.base_url:
        raise SettingsError("no API key: set OPENAI_API_KEY (or REFLEXION_API_KEY) in .env or the environment")
    return ChatOpenAI(
        model=settings.model,
        base_url=settings.base_url,
        # Local servers (vLLM, Ollama, llama.cpp) accept any key; the client insists on one.
        api_key=SecretStr(settings.api_key or "not-needed"),
        temperature=settings.temperature,
        timeout=settings.timeout_s,
        max_retries=settings.max_retries,
        max_completion_tokens=settings.max_tokens,  # the field's name for the API (alias of max_tokens)
        stream_usage=True,
    )


@contextmanager
def open_models(
    env: Mapping[str, str] | None = None, *, gguf: str | None = None, announce=print
) -> Iterator[dict[Role, ChatOpenAI]]:
    """The three role models. Starts (and finally stops) the embedded server when it is the default."""
    env = os.environ if env is None else env
    settings = {role: settings_from_env(role, env) for role in ROLES}
    if gguf is None and not uses_embedded_model(env):
        for role, s in settings.items():
            if s.base_url is None and s.api_key is None:
                raise SettingsError(f"the {role} model has no endpoint: set REFLEXION_{role.upper()}_BASE_URL or an API key")
        yield {role: chat_model(s) for role, s in settings.items()}
        return

    named = sorted(n for n in [*(f"REFLEXION_{r.upper()}_MODEL" for r in ROLES), "REFLEXION_MODEL"] if env.get(n))
    if gguf is None and named:
        # A model name without an endpoint means a key was forgotten, not "use the embedded model".
        raise SettingsError(
            f"{named[0]} is set but no endpoint is: set OPENAI_API_KEY (or REFLEXION_BASE_URL) in .env, "
            "or unset it to use the embedded local model"
        )
    from reflexion.local import LocalServer, find_gguf  # the optional [local] extra

    path = find_gguf(gguf or env.get("REFLEXION_GGUF"), announce=announce)
    with LocalServer(path) as server:
        announce(f"Using the embedded local model {path.name} at {server.base_url} (set OPENAI_API_KEY or REFLEXION_BASE_URL to use another endpoint).")
        yield {
            role: chat_model(embedded(s, role, path.stem, server.base_url, env))
            for role, s in settings.items()
        }


def embedded(settings: ModelSettings, role: Role, model: str, base_url: str, env: Mapping[str, str] | None = None,
             explicit: Mapping[str, Any] | None = None) -> ModelSettings:  # fmt: skip
    """``settings`` pointed at the embedded server, with its timeout: the one set in the environment
    (or in ``explicit``, a context's own fields), else :data:`EMBEDDED_TIMEOUT_S`."""
    env = os.environ if env is None else env
    timeout_set = _lookup(env, role, "TIMEOUT") is not None or (explicit or {}).get("timeout_s") is not None
    return replace(settings, model=model, base_url=base_url, api_key="local", timeout_s=settings.timeout_s if timeout_set else EMBEDDED_TIMEOUT_S)
