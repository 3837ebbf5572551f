"""A scripted chat model for tests, notebooks and benchmarks: replies are a function of the prompt
(or a queue), and every prompt is recorded so tests can check what each role was shown."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.messages.ai import UsageMetadata
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import Field, PrivateAttr

Reply = str | Exception


class ScriptedChatModel(BaseChatModel):
    """Answers from ``replies`` in order, or from ``respond(prompt)``; raises replies that are exceptions.
    Safe to share between threads (a bench with ``concurrency`` > 1): each call takes one reply.

    Token usage is reported as whitespace-separated word counts, so usage accounting can be tested;
    a reply longer than a call's ``max_tokens`` words is cut there (``finish_reason`` "length").
    """

    replies: list[Reply] = Field(default_factory=list)
    respond: Callable[[str], Reply] | None = None
    _prompts: list[str] = PrivateAttr(default_factory=list)
    _options: list[dict[str, Any]] = PrivateAttr(default_factory=list)
    _lock: Any = PrivateAttr(default_factory=threading.Lock)  # bench workers share one model

    @property
    def _llm_type(self) -> str:
        return "scripted"

    @property
    def prompts(self) -> list[str]:
        """Every prompt received so far, messages joined with blank lines."""
        return self._prompts

    @property
    def options(self) -> list[dict[str, Any]]:
        """The per-call options of every call so far (``temperature``, ``seed``, ``stop``...), in order."""
        return self._options

    def _generate(
        self,
        messages: Sequence[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        prompt = "\n\n".join(str(m.content) for m in messages)
        with self._lock:
            self._prompts.append(prompt)
            self._options.append({**kwargs, **({"stop": stop} if stop else {})})
            reply = self.replies.pop(0) if self.respond is None and self.replies else None
        if self.respond is not None:
            reply = self.respond(prompt)
        elif reply is None:
            raise RuntimeError("ScriptedChatModel ran out of replies")
        if isinstance(reply, Exception):
            raise reply
        limit = int(kwargs.get("max_tokens") or kwargs.get("max_completion_tokens") or 0)
        cut_off = 0 < limit < len(reply.split())
        if cut_off:  # a word is a token here, as in the usage below
            reply = " ".join(reply.split()[:limit])
        words_in, words_out = len(prompt.split()), len(reply.split())
        usage = UsageMetadata(input_tokens=words_in, output_tokens=words_out, total_tokens=words_in + words_out)
        metadata = {"finish_reason": "length" if cut_off else "stop"}
        message = AIMessage(content=reply, usage_metadata=usage, response_metadata=metadata)
        return ChatResult(generations=[ChatGeneration(message=message)])

    async def _agenerate(self, messages: Sequence[BaseMessage], stop: list[str] | None = None, run_manager: Any = None, **kwargs: Any) -> ChatResult:
        """The same reply on the event loop (``ainvoke``), inline: no worker thread."""
        return self._generate(messages, stop, **kwargs)
