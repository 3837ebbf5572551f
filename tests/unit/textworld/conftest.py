"""Fixtures for the TextWorld domain's tests: a private game cache and one small real game."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest.importorskip("textworld", reason="the textworld domain needs the 'textworld' extra")

from reflexion.domains.textworld.games import ENV_CACHE, game_file  # noqa: E402
from reflexion.domains.textworld.session import GameSession  # noqa: E402
from reflexion.domains.textworld.settings import ENV_VARS  # noqa: E402

# A treasure hunter at level 5: three rooms, a won/lost signal, a walkthrough of three commands.
SMALL_GAME = {"id": "tw-small", "challenge": "tw-treasure_hunter", "seed": 2, "settings": {"level": 5}}


@dataclass(frozen=True)
class SmallGame:
    task_file: Path
    path: Path
    walkthrough: list[str]


@pytest.fixture(scope="session")
def tw_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("textworld-cache")


@pytest.fixture(autouse=True)
def _textworld_env(monkeypatch: pytest.MonkeyPatch, tw_cache: Path) -> None:
    """Games go to the session's own cache; no developer setting leaks into a test."""
    monkeypatch.setenv(ENV_CACHE, str(tw_cache))
    for name in ENV_VARS.values():
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def small_game(tw_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SmallGame]:
    """The small game, built once per test session (about a second)."""
    from reflexion.domains.textworld.recipes import GameRecipe

    task_file = tmp_path_factory.mktemp("textworld-tasks") / "small.jsonl"
    task_file.write_text(json.dumps(SMALL_GAME) + "\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(os.environ, ENV_CACHE, str(tw_cache))
        recipe = GameRecipe.checked(SMALL_GAME["challenge"], SMALL_GAME["seed"], SMALL_GAME["settings"], "test")
        path = game_file(recipe)
    with GameSession(path) as session:
        session.reset()
        walkthrough = session.walkthrough
    yield SmallGame(task_file, path, walkthrough)
