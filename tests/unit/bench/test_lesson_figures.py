"""bench/lessons.py on hand-made rows: repeated, copy-extended and new lessons told apart."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest


@pytest.fixture(scope="module")
def lessons(bench_script: Callable[[str], ModuleType]) -> ModuleType:
    return bench_script("lessons")


ROWS = [
    {"task_id": "a", "reflections": ["Off by one.", "Off by one. ", "Off by one. Also the empty list.", "Sort first."]},
    {"task_id": "b", "reflections": ["Wrong type.", "Return a list."]},
    {"task_id": "c", "reflections": ["Only one lesson."]},
    {"task_id": "d", "reflections": []},
]


def test_later_lessons_are_repeated_copy_extended_or_new(lessons: ModuleType) -> None:
    f = lessons.figures(ROWS)
    assert (f.threads, f.later, f.repeated, f.extended, f.new) == (2, 4, 1, 1, 2)
    assert (f.distinct, f.lessons) == (5, 6)


def test_the_script_prints_the_figures_and_refuses_a_missing_file(lessons: ModuleType, tmp_path: Path, capsys) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in ROWS), encoding="utf-8")
    assert lessons.main([str(path)]) == 0
    assert "4 tasks, 2 threads with two or more lessons, 4 later lessons: 1 repeated, 1 copy-extended, 2 new (50% say nothing new)" in capsys.readouterr().out
    assert lessons.main([str(tmp_path / "none.jsonl")]) == 1
    assert "no result file at" in capsys.readouterr().err
