"""Fixtures shared by all tests: the same behaviour is checked against every checkpointer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver

from reflexion.checkpoint import open_checkpointer


@pytest.fixture(params=["memory", "sqlite"])
def checkpointer(request: pytest.FixtureRequest, tmp_path) -> Iterator[BaseCheckpointSaver]:
    if request.param == "memory":
        yield InMemorySaver()
    else:
        with open_checkpointer(tmp_path / "checkpoints.sqlite") as saver:
            yield saver


@pytest.fixture(autouse=True)
def _no_real_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unit tests never read a developer's real keys or endpoints."""
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "REFLEXION_API_KEY", "REFLEXION_BASE_URL", "REFLEXION_DB"):
        monkeypatch.delenv(name, raising=False)
