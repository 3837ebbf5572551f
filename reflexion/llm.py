"""One model role as the nodes and domains see it: ask, get text, count tokens, fail clearly."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

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


@dataclass
class RoleModel:
    """A chat model playing one role (actor, evaluator or reflector), with its call and token counts.

    Transient faults (429, 5xx, timeouts) are retried by the client itself (``max_retries``);
    whatever still fails becomes a :class:`ModelError` that names the role and the endpoint.
    """

    role: str
    model: BaseChatModel
    usage: Usage = field(default_factory=lambda: {"calls": 0, "input_tokens": 0, "output_tokens": 0})

    def ask(self, prompt: str | Sequence[BaseMessage], *, system: str | None = None) -> str:
        messages: list[BaseMessage] = [SystemMessage(system)] if system else []
        messages += [HumanMessage(prompt)] if isinstance(prompt, str) else list(prompt)
        try:
            reply = self.model.invoke(messages)
        except Exception as exc:  # noqa: BLE001 - every client failure is reported the same way
            raise ModelError(self.role, endpoint_of(self.model), _reason(exc)) from exc
        self._count(reply)
        text = _text(reply)
        if (getattr(reply, "response_metadata", None) or {}).get("finish_reason") == "length":
            # A cut-off reply is still an attempt; say so, so the reflection can tell "too long" from "wrong".
            text += f"\n[reply cut off at the {self.role} model's output token limit]"
        return text

    def usage_update(self) -> dict[str, Usage]:
        """The state update that records this role's calls (for the ``usage`` reducer)."""
        return {self.role: dict(self.usage)} if self.usage["calls"] else {}  # type: ignore[dict-item]

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
