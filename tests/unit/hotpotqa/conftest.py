"""Fixtures: the made-up task of ``helpers.ROW`` as a file and as a loaded task."""

from __future__ import annotations

from pathlib import Path

import pytest

from reflexion.domains.hotpotqa.tasks import load_hotpotqa
from reflexion.state import Task

from .helpers import ROW, write_rows


@pytest.fixture
def task_file(tmp_path: Path) -> Path:
    return write_rows(tmp_path / "hotpot.jsonl", [ROW])


@pytest.fixture
def task(task_file: Path) -> Task:
    return load_hotpotqa(str(task_file), "hotpotqa-react")[0]


@pytest.fixture(autouse=True)
def _default_hotpotqa_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own HotPotQA settings never change what these tests see."""
    for name in ("REFLEXION_HOTPOTQA", "REFLEXION_HOTPOTQA_EVALUATOR", "REFLEXION_HOTPOTQA_MAX_STEPS"):
        monkeypatch.delenv(name, raising=False)
