"""Fixtures for tests over real HTTP: the local OpenAI stub, scripted with the faults' QA run."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from drivers.faults import qa_script
from reflexion.testing.openai_stub import OpenAIStub


@pytest.fixture
def stub() -> Iterator[OpenAIStub]:
    """A running stub answering the QA run of ``drivers.faults`` (wrong, reflect, right).
    Tests add faults with ``stub.script.faults.append(...)``."""
    with OpenAIStub(qa_script()) as server:
        yield server
