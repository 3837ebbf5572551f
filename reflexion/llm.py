"""One model role as the nodes and domains see it: ask, get text, count tokens, fail clearly."""

from __future__ import annotations

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
        return _text(reply)

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


def _reason(exc: Exception) -> str:
    status = getattr(exc, "status_code", None)
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if len(message) > 200:
        message = message[:200] + "..."
    return f"HTTP {status}: {message}" if status else f"{type(exc).__name__}: {message}"
