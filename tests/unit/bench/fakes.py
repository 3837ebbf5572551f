"""Fakes for the bench tests: a chat model that answers as a function of the prompt (so concurrent
tasks and resumed threads get the same replies), and a qa "student" that learns from a reflection."""

from __future__ import annotations

import os
import re
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import PrivateAttr

from reflexion.domains.qa import QADomain

QUESTIONS = {task["prompt"]: task for task in QADomain().load_tasks()}
NO_LESSONS = "earlier attempts at this question:\n(none)"


class PromptModel(BaseChatModel):
    """Replies ``respond(last user message)``; records every prompt; counts words as tokens."""

    respond: Callable[[str], str]
    _prompts: list[str] = PrivateAttr(default_factory=list)
    _lock: Any = PrivateAttr(default_factory=threading.Lock)

    @property
    def _llm_type(self) -> str:
        return "prompt-function"

    @property
    def prompts(self) -> list[str]:
        return list(self._prompts)

    def _generate(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kwargs: Any) -> ChatResult:
        prompt = str(messages[-1].content)
        with self._lock:
            self._prompts.append(prompt)
        text = self.respond(prompt)
        usage = {"input_tokens": len(prompt.split()), "output_tokens": len(text.split())}
        message = AIMessage(text, usage_metadata={**usage, "total_tokens": sum(usage.values())})
        return ChatResult(generations=[ChatGeneration(message=message)])


def question_of(prompt: str) -> dict[str, Any] | None:
    found = re.search(r"^Question: (.+)$", prompt, re.MULTILINE)
    return QUESTIONS.get(found.group(1).strip()) if found else None


def ctrl_c(message: str) -> BaseException:
    """A real Ctrl-C while the model is being asked: SIGINT to this process, which Python turns into
    ``KeyboardInterrupt`` in the main thread (where the synchronous API waits); the call then fails."""
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(0.5)  # the interrupt lands while the call is still in flight
    return RuntimeError(message)


def student(easy: set[str] = frozenset(), never: set[str] = frozenset(), fail_reflecting_on: set[str] = frozenset(),
            error: Callable[[str], BaseException] = RuntimeError) -> Callable[[str], str]:
    """Right at once on ``easy`` tasks, right after a reflection on the others, never right on ``never``;
    raises ``error(message)`` when asked to reflect on a task in ``fail_reflecting_on``."""

    def respond(prompt: str) -> str:
        if "Your attempt:" in prompt:  # the reflection prompt
            task = next((t for q, t in QUESTIONS.items() if q in prompt), None)
            if task and task["id"] in fail_reflecting_on:
                raise error("endpoint went away")
            return "I guessed. Next time I will work it out step by step."
        task = question_of(prompt)
        assert task is not None, prompt
        right = task["id"] in easy or (NO_LESSONS not in prompt and task["id"] not in never)
        return f"Thinking.\nAnswer: {task['data']['answer'] if right else 'no idea'}"

    return respond


def asked_about(model: PromptModel, task_id: str) -> list[str]:
    question = next(q for q, t in QUESTIONS.items() if t["id"] == task_id)
    return [p for p in model.prompts if question in p]
