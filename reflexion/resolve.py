"""Making the models and the domain a :class:`~reflexion.context.Context` describes, once per process.

A context is plain data; a node turns it into objects here. Chat models are cached by their
settings, domains by their name and settings, so the many calls of a long run (or of a server's
many runs) share one client and one sandbox. With no endpoint configured anywhere, the embedded
local model serves the role: its server starts on the first such call and stops when the process
exits.
"""

from __future__ import annotations

import atexit
import json
import os
import threading
from dataclasses import replace
from functools import lru_cache
from typing import Any

from langchain_core.language_models import BaseChatModel

from reflexion.context import ModelConfig
from reflexion.domains import Domain, get_domain
from reflexion.errors import SettingsError
from reflexion.models import ModelSettings, Role, chat_model, embedded, settings_from_env


def model_settings(role: Role, config: ModelConfig, env: dict[str, str] | None = None) -> ModelSettings:
    """The role's settings: the context's fields, then the environment, then the defaults."""
    settings = settings_from_env(role, os.environ if env is None else env)
    return replace(settings, **config.overrides())  # ModelConfig's fields are ModelSettings' own names


def chat_model_for(role: Role, config: ModelConfig) -> BaseChatModel:
    settings = model_settings(role, config)
    if settings.base_url is None and settings.api_key is None:
        server = _embedded_server()
        settings = embedded(settings, role, server.model, server.base_url, explicit=config.overrides())
    return _cached_chat_model(settings)


@lru_cache(maxsize=64)
def _cached_chat_model(settings: ModelSettings) -> BaseChatModel:
    return chat_model(settings)


_lock = threading.Lock()
_server: Any = None


def _embedded_server() -> Any:
    """The process's embedded model server, started on first use (``REFLEXION_GGUF`` picks the model)."""
    global _server
    with _lock:
        if _server is None:
            from reflexion.local import LocalServer, find_gguf

            server = LocalServer(find_gguf(os.environ.get("REFLEXION_GGUF")))
            server.start()
            atexit.register(server.stop)
            _server = server
        return _server


def domain_for(name: str, settings: dict[str, Any] | None = None) -> Domain:
    try:
        key = json.dumps(settings or {}, sort_keys=True)
    except TypeError as exc:
        raise SettingsError(f"domain settings must be plain data (JSON): {exc}") from exc
    return _cached_domain(name, key)


@lru_cache(maxsize=32)
def _cached_domain(name: str, settings_json: str) -> Domain:
    return get_domain(name, **json.loads(settings_json))
