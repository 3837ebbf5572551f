"""Fixes to llama-cpp-python's server (pinned 0.3.36), applied in the server process only.

``accept_max_completion_tokens`` makes a request mean what it means to OpenAI, in two ways:
- ``ChatOpenAI`` sends the reply budget as ``max_completion_tokens`` (OpenAI renamed ``max_tokens``
  in 2024); the server only reads ``max_tokens`` and otherwise generates until the context is full,
  so a rambling small model could take minutes per call (measured: 7,434 tokens, 463 s, for a
  300-token budget).
- The server applies a repetition penalty of 1.1 to every request that does not name one (the
  library itself defaults to 1.0, and OpenAI's API has no such penalty). Code repeats its own
  identifiers all the time; with the penalty, greedy decoding of the same prompt gave a different,
  longer program than llama-cpp-python in-process (bench/local_model_speed.py found it). A request
  without ``repeat_penalty`` now gets 1.0; one that names it keeps its value.
Applied before the server's routes are built.

``no_extra_buffer_types``: llama.cpp built with ``-march=native`` on a CPU that advertises AMX uses
AMX tile instructions for its matrix products through an "extra" weight buffer type. Some virtual
machines advertise AMX (cpuinfo, and the kernel grants the tile permission) yet fault on the first
tile instruction: the server died with SIGILL on its first request on this project's 2-core VMs.
Turning extra buffer types off keeps llama.cpp on its AVX2/AVX-512 kernels; on these machines it
was no slower (docs/local-model.md), and it holds whatever wheel pip's cache hands out.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import model_validator


def accept_max_completion_tokens() -> None:
    """Make the chat-completions request model read ``max_completion_tokens`` as ``max_tokens`` and
    default ``repeat_penalty`` to 1.0 (no penalty), as an OpenAI-compatible endpoint should."""
    from llama_cpp.server import types

    if getattr(types.CreateChatCompletionRequest, "reads_max_completion_tokens", False):
        return

    class ChatCompletionRequest(types.CreateChatCompletionRequest):
        reads_max_completion_tokens: ClassVar[bool] = True

        @model_validator(mode="before")
        @classmethod
        def _budget_alias(cls, data: Any) -> Any:
            if not isinstance(data, dict):
                return data
            if data.get("max_completion_tokens") is not None and data.get("max_tokens") is None:
                data = {**data, "max_tokens": data["max_completion_tokens"]}
            if data.get("repeat_penalty") is None:
                data = {**data, "repeat_penalty": 1.0}
            return data

    ChatCompletionRequest.__name__ = types.CreateChatCompletionRequest.__name__
    # llama_cpp.server.app binds this name when it is imported, which happens after this call.
    types.CreateChatCompletionRequest = ChatCompletionRequest  # type: ignore[misc]  # replacing the library's class is the point


def no_extra_buffer_types() -> None:
    """Make every model load with ``use_extra_bufts = False`` (no AMX / repacked weight buffers)."""
    from llama_cpp import llama_cpp

    default_params = llama_cpp.llama_model_default_params
    if getattr(default_params, "without_extra_bufts", False):
        return

    def without_extra_bufts() -> Any:
        params = default_params()
        params.use_extra_bufts = False
        return params

    without_extra_bufts.without_extra_bufts = True  # type: ignore[attr-defined]  # a marker on the function: patch once
    llama_cpp.llama_model_default_params = without_extra_bufts
