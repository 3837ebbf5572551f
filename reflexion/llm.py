"""One model role as the nodes and domains see it: ask, get text, count tokens, fail clearly."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from reflexion.errors import ModelError
from reflexion.state import Usage


def endpoint_of(model: BaseChatModel) -> str:
    """A human-readable name for where a model lives (its base URL, or its class for fakes)."""
    base = getattr(model, "openai_api_base", None)
    name = getattr(model, "model_name", None)
    if base or name:
        return f"{base or 'https://api.openai.com/v1'} ({name})" if name else str(base)
    return type(model).__name__


@dataclass(frozen=True)
class Reply:
    """What a model call gave back: the text as written, and whether the token limit cut it off."""

    text: str
    cut_off: bool = False


@dataclass
class RoleModel:
    """A chat model playing one role (actor, evaluator or reflector), with its call and token counts.

    Transient faults (429, 5xx, timeouts) are retried by the client itself (``max_retries``);
    whatever still fails becomes a :class:`ModelError` that names the role and the endpoint.
    """

    role: str
    model: BaseChatModel
    options: dict[str, Any] = field(default_factory=dict)  # per-call model parameters for every call (temperature, seed)
    usage: Usage = field(default_factory=lambda: Usage(calls=0, input_tokens=0, output_tokens=0))

    def ask(self, prompt: str | Sequence[BaseMessage], *, system: str | None = None, **options: Any) -> str:
        """The reply's text; a cut-off reply ends with a note saying so, so that a reflection can tell
        "too long" from "wrong". ``options`` go to the model for this call only (see :meth:`reply`)."""
        return self._noted(self.reply(prompt, system=system, **options))

    def reply(self, prompt: str | Sequence[BaseMessage], *, system: str | None = None, **options: Any) -> Reply:
        """The reply as written, with its cut-off flag (no note added). ``options`` are per-call model
        parameters (``temperature``, ``seed``, ``stop``, ``max_tokens``); ``None`` values are left out."""
        messages, bound = self._request(prompt, system, options)
        try:
            reply = self.model.invoke(messages, **bound)
        except Exception as exc:  # noqa: BLE001 - every client failure is reported the same way
            raise ModelError(self.role, endpoint_of(self.model), _reason(exc)) from exc
        return self._received(reply)

    async def aask(self, prompt: str | Sequence[BaseMessage], *, system: str | None = None, **options: Any) -> str:
        """:meth:`ask` on the event loop (the model's ``ainvoke``)."""
        return self._noted(await self.areply(prompt, system=system, **options))

    async def areply(self, prompt: str | Sequence[BaseMessage], *, system: str | None = None, **options: Any) -> Reply:
        """:meth:`reply` on the event loop: the model's ``ainvoke``, so waiting for it blocks nothing."""
        messages, bound = self._request(prompt, system, options)
        try:
            reply = await self.model.ainvoke(messages, **bound)
        except Exception as exc:  # noqa: BLE001 - every client failure is reported the same way
            raise ModelError(self.role, endpoint_of(self.model), _reason(exc)) from exc
        return self._received(reply)

    def _request(self, prompt: str | Sequence[BaseMessage], system: str | None, options: dict[str, Any]) -> tuple[list[BaseMessage], dict[str, Any]]:
        messages: list[BaseMessage] = [SystemMessage(system)] if system else []
        messages += [HumanMessage(prompt)] if isinstance(prompt, str) else list(prompt)
        return messages, {key: value for key, value in {**self.options, **options}.items() if value is not None}

    def _received(self, reply: BaseMessage) -> Reply:
        self._count(reply)
        cut_off = (getattr(reply, "response_metadata", None) or {}).get("finish_reason") == "length"
        return Reply(_text(reply), cut_off)

    def add_usage(self, usage: Usage) -> None:
        """Count calls made through another object on this role's account (an actor subgraph's)."""
        self.usage["calls"] += usage.get("calls", 0)
        self.usage["input_tokens"] += usage.get("input_tokens", 0)
        self.usage["output_tokens"] += usage.get("output_tokens", 0)

    def _noted(self, reply: Reply) -> str:
        return reply.text + (f"\n[reply cut off at the {self.role} model's output token limit]" if reply.cut_off else "")

    def usage_update(self) -> dict[str, Usage]:
        """The state update that records this role's calls (for the ``usage`` reducer)."""
        return {self.role: self.usage.copy()} if self.usage["calls"] else {}

    def _count(self, reply: BaseMessage) -> None:
        self.usage["calls"] += 1
        meta = getattr(reply, "usage_metadata", None) or {}
        self.usage["input_tokens"] += int(meta.get("input_tokens", 0) or 0)
        self.usage["output_tokens"] += int(meta.get("output_tokens", 0) or 0)


def _text(reply: BaseMessage) -> str:
    content = reply.content if isinstance(reply, AIMessage | BaseMessage) else reply
    if isinstance(content, str):
        return content
    # Content blocks (list of str / {"type": "text", "text": ...}).
    return "".join(part if isinstance(part, str) else str(part.get("text", "")) for part in content)


def _reason(exc: BaseException) -> str:
    """One line: the HTTP status, or the root cause (connection refused, bad JSON) behind the client's error."""
    status = getattr(exc, "status_code", None)
    if status:
        return f"HTTP {status}: {_first_line(exc)}"
    root = exc
    while root.__cause__ is not None:
        root = root.__cause__
    if isinstance(root, json.JSONDecodeError):
        return f"the endpoint's reply is not valid JSON ({_first_line(root)})"
    detail = f" ({_first_line(root)})" if root is not exc else ""
    return f"{type(exc).__name__}: {_first_line(exc)}{detail}"


def _first_line(exc: BaseException, limit: int = 200) -> str:
    message = str(exc).splitlines()[0] if str(exc).strip() else type(exc).__name__
    return message if len(message) <= limit else message[:limit] + "..."
