"""Fixtures shared by all tests: the same behaviour is checked against every checkpointer."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from types import ModuleType

import pytest
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver

from drivers.postgres import Postgres, server_bin, throwaway_postgres
from reflexion.checkpoint import open_async_checkpointer, open_checkpointer


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    """One throwaway PostgreSQL server for the whole test session (tests make their own databases)."""
    if server_bin() is None:
        message = "PostgreSQL's server programs are not installed (scripts/system-deps.sh installs them)"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs them; a silent skip there would hide the Postgres suite
        pytest.skip(message)
    with throwaway_postgres() as server:
        yield server


@pytest.fixture
def postgres_url(postgres: Postgres, request: pytest.FixtureRequest) -> str:
    """A fresh, empty database on the session's server, for one test."""
    name = "t_" + hashlib.sha1(request.node.nodeid.encode()).hexdigest()[:16]
    postgres.sql(f"DROP DATABASE IF EXISTS {name}")
    postgres.sql(f"CREATE DATABASE {name}")
    return postgres.url(database=name)


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def checkpointer(request: pytest.FixtureRequest, tmp_path) -> Iterator[BaseCheckpointSaver]:
    """The same behaviour against every checkpointer, as LangGraph's own suite does."""
    if request.param == "memory":
        yield InMemorySaver()
    elif request.param == "sqlite":
        with open_checkpointer(tmp_path / "checkpoints.sqlite") as saver:
            yield saver
    else:
        with open_checkpointer(request.getfixturevalue("postgres_url")) as saver:
            yield saver


AsyncSaverOpener = Callable[[], AbstractAsyncContextManager[BaseCheckpointSaver]]


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def async_checkpointer(request: pytest.FixtureRequest, tmp_path) -> AsyncSaverOpener:
    """The async counterpart of ``checkpointer``: opens LangGraph's async saver (``InMemorySaver``,
    ``AsyncSqliteSaver``, ``AsyncPostgresSaver``) with ``async with opener() as saver`` on the event
    loop the test runs, since an async saver belongs to the loop it was made on."""
    if request.param == "memory":

        @asynccontextmanager
        async def in_memory() -> AsyncIterator[BaseCheckpointSaver]:
            yield InMemorySaver()

        return in_memory
    target = str(tmp_path / "checkpoints.sqlite") if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    return lambda: open_async_checkpointer(target)


@pytest.fixture(autouse=True)
def _no_real_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unit tests never read a developer's real keys or endpoints."""
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "REFLEXION_API_KEY", "REFLEXION_BASE_URL", "REFLEXION_DB", "RAY_ADDRESS"):
        monkeypatch.delenv(name, raising=False)


def load_bench_script(name: str) -> ModuleType:
    """A script of the top-level ``bench/`` folder (not a package), imported as a module."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", Path(__file__).resolve().parents[1] / "bench" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def bench_script() -> Callable[[str], ModuleType]:
    """Import a script of the top-level ``bench/`` folder by name (``bench_script("lessons")``)."""
    return load_bench_script
