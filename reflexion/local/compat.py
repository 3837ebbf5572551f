"""One fix to llama-cpp-python's server (pinned 0.3.36) so that it honours today's OpenAI clients.

``ChatOpenAI`` sends the reply budget as ``max_completion_tokens`` (OpenAI renamed ``max_tokens`` in
2024); the server only reads ``max_tokens`` and otherwise generates until the context is full, so a
rambling small model could take minutes per call (measured: 7,434 tokens, 463 s, for a 300-token
budget). Applied in the server process only, before its routes are built.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import model_validator


def accept_max_completion_tokens() -> None:
    """Make the chat-completions request model read ``max_completion_tokens`` as ``max_tokens``."""
    from llama_cpp.server import types

    if getattr(types.CreateChatCompletionRequest, "reads_max_completion_tokens", False):
        return

    class ChatCompletionRequest(types.CreateChatCompletionRequest):
        reads_max_completion_tokens: ClassVar[bool] = True

        @model_validator(mode="before")
        @classmethod
        def _budget_alias(cls, data: Any) -> Any:
            if isinstance(data, dict) and data.get("max_completion_tokens") is not None and data.get("max_tokens") is None:
                data = {**data, "max_tokens": data["max_completion_tokens"]}
            return data

    ChatCompletionRequest.__name__ = types.CreateChatCompletionRequest.__name__
    # llama_cpp.server.app binds this name when it is imported, which happens after this call.
    types.CreateChatCompletionRequest = ChatCompletionRequest  # type: ignore[misc]
