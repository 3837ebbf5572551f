"""Task files, the built-in suite and the play settings: checked at load time, no game built."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reflexion.domains import get_domain
from reflexion.domains.textworld import TextWorldDomain
from reflexion.domains.textworld.recipes import GameRecipe
from reflexion.domains.textworld.settings import PlaySettings, resolve
from reflexion.errors import SettingsError, TaskError


def write_rows(tmp_path: Path, *rows: object) -> str:
    path = tmp_path / "games.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return str(path)


def test_the_builtin_suite_is_a_fixed_set_of_valid_recipes() -> None:
    tasks = get_domain("textworld").load_tasks()
    ids = [t["id"] for t in tasks]
    assert len(ids) == len(set(ids)) == 16
    assert {"tw-simple-1", "tw-treasure-1", "tw-coin-1", "tw-cooking-1"} <= set(ids)
    assert {t["data"]["recipe"]["challenge"] for t in tasks} == {"tw-simple", "tw-treasure_hunter", "tw-coin_collector", "tw-cooking"}
    simple = tasks[0]
    # the recipe is complete (every tw-make setting) and plain data; the game file is not part of the task
    assert simple["data"]["recipe"] == {"challenge": "tw-simple", "seed": 1, "settings": {"rewards": "dense", "goal": "detailed", "test": False}}
    assert simple["data"]["play"] == PlaySettings().as_data()
    assert "tw-simple" in simple["prompt"] and "seed 1" in simple["prompt"]


def test_recipe_keys_are_stable_and_differ_by_seed_and_settings() -> None:
    a = GameRecipe.checked("tw-treasure_hunter", 1, {"level": 3}, "t")
    assert a.key() == GameRecipe.checked("tw-treasure_hunter", 1, {"level": 3}, "t").key()
    assert a.key() != GameRecipe.checked("tw-treasure_hunter", 2, {"level": 3}, "t").key()
    assert a.key() != GameRecipe.checked("tw-treasure_hunter", 1, {"level": 4}, "t").key()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"id": "x", "challenge": "tw-chess", "seed": 1}, "unknown TextWorld challenge 'tw-chess'"),
        ({"id": "x", "challenge": "tw-treasure_hunter", "seed": 1}, "the following arguments are required: --level"),
        ({"id": "x", "challenge": "tw-treasure_hunter", "seed": 1, "settings": {"level": "hard"}}, "invalid int value: 'hard'"),
        ({"id": "x", "challenge": "tw-simple", "seed": 1, "settings": {"rewards": "lots", "goal": "brief"}}, "invalid choice: 'lots'"),
        ({"id": "x", "challenge": "tw-simple", "seed": 1, "settings": {"rewards": "dense", "goal": "brief", "colour": "red"}}, "unrecognized arguments: --colour red"),
        ({"id": "x", "challenge": "tw-cooking", "seed": 1, "settings": ["recipe"]}, "settings must be an object"),
        ({"id": "x", "challenge": "tw-cooking", "seed": -1}, "seed must be a non-negative integer"),
        ({"id": "x", "challenge": "tw-cooking"}, "missing field 'seed'"),
        ({"id": "x", "challenge": "tw-cooking", "seed": 1, "max_steps": 0}, "max_steps (REFLEXION_TEXTWORLD_MAX_STEPS) must be between 1 and 200"),
    ],
)
def test_a_bad_row_is_a_task_error_naming_file_line_and_problem(tmp_path: Path, row: dict, message: str) -> None:
    path = write_rows(tmp_path, {"id": "ok", "challenge": "tw-cooking", "seed": 1}, row)
    with pytest.raises(TaskError) as caught:
        TextWorldDomain().load_tasks(path)
    assert f"{path}: task 2" in str(caught.value) and message in str(caught.value)


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    row = {"id": "same", "challenge": "tw-cooking", "seed": 1}
    with pytest.raises(TaskError, match="duplicate task id 'same'"):
        TextWorldDomain().load_tasks(write_rows(tmp_path, row, row))


def test_play_settings_come_from_the_row_then_the_constructor_then_the_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("REFLEXION_TEXTWORLD_MAX_STEPS", "12")
    monkeypatch.setenv("REFLEXION_TEXTWORLD_REPEAT_LIMIT", "4")
    monkeypatch.setenv("REFLEXION_TEXTWORLD_SHOW_COMMANDS", "0")
    rows = [{"id": "a", "challenge": "tw-cooking", "seed": 1, "max_steps": 7}, {"id": "b", "challenge": "tw-cooking", "seed": 2}]
    a, b = TextWorldDomain(repeat_limit=2, evaluator="llm").load_tasks(write_rows(tmp_path, *rows))
    assert a["data"]["play"] == {"max_steps": 7, "repeat_limit": 2, "evaluator": "llm", "show_commands": False}
    assert b["data"]["play"]["max_steps"] == 12


@pytest.mark.parametrize(
    ("layer", "message"),
    [
        ({"max_steps": "many"}, "must be a whole number"),
        ({"repeat_limit": 1}, "must be between 2 and 200"),
        ({"evaluator": "vibes"}, "must be one of heuristic, llm"),
        ({"show_commands": "maybe"}, "must be 1 or 0"),
    ],
)
def test_bad_settings_are_settings_errors(layer: dict, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        resolve(layer)


def test_a_bad_environment_setting_fails_when_the_domain_is_made(monkeypatch) -> None:
    monkeypatch.setenv("REFLEXION_TEXTWORLD_EVALUATOR", "oracle")
    with pytest.raises(SettingsError, match="REFLEXION_TEXTWORLD_EVALUATOR"):
        TextWorldDomain()
