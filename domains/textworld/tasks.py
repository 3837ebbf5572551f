"""TextWorld tasks: one generated game each, described by its recipe (never by the game file).

A task file has one JSON object per line::

    {"id": "tw-treasure-2", "challenge": "tw-treasure_hunter", "seed": 2, "settings": {"level": 5}}

``settings`` are those of ``tw-make <challenge>``; ``max_steps``, ``repeat_limit``, ``evaluator`` and
``show_commands`` may be set per task (see ``settings.py``). Without a file, the built-in suite
(``suite.jsonl``: simple, treasure-hunter, coin-collector and cooking games at a few levels) is used.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.resources import files
from typing import Any

from reflexion.domains.textworld.recipes import GameRecipe
from reflexion.domains.textworld.settings import PlaySettings, resolve
from reflexion.errors import SettingsError, TaskError
from reflexion.jsonl import read_jsonl, require
from reflexion.state import Task


def builtin_suite() -> str:
    return str(files(__package__).joinpath("suite.jsonl"))


def load_textworld(path: str, domain: str, *, defaults: Mapping[str, Any]) -> list[Task]:
    """Every game in ``path`` as a task of ``domain``; play settings come from the row, then ``defaults``."""
    tasks: list[Task] = []
    seen: set[str] = set()
    for number, row in enumerate(read_jsonl(path), start=1):
        where = f"{path}: task {number}"
        require(row, {"id": (str, int), "challenge": str, "seed": int}, where)
        task_id = str(row["id"])
        if task_id in seen:
            raise TaskError(f"{where}: duplicate task id {task_id!r}")
        seen.add(task_id)
        recipe = GameRecipe.checked(row["challenge"], row["seed"], row.get("settings", {}), where)
        try:
            play = resolve(row, defaults)
        except SettingsError as exc:
            raise TaskError(f"{where}: {exc}") from None
        tasks.append(task(task_id, domain, recipe, play))
    return tasks


def task(task_id: str, domain: str, recipe: GameRecipe, play: PlaySettings) -> Task:
    prompt = f"the TextWorld game {task_id}: {recipe.describe()}"
    return {"id": task_id, "domain": domain, "prompt": prompt, "data": {"recipe": recipe.as_data(), "play": play.as_data()}}


def recipe_of(task: Task) -> GameRecipe:
    return GameRecipe.from_data(task["data"]["recipe"])


def play_settings(task: Task) -> PlaySettings:
    return resolve(task["data"].get("play", {}))
