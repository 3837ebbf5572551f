"""Loading HotPotQA files: the shared 100 questions, the default path, malformed files, settings."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from reflexion.domains import get_domain
from reflexion.domains.hotpotqa.settings import data_path, evaluator_kind, max_steps
from reflexion.domains.hotpotqa.tasks import gold_paragraphs, load_hotpotqa, paragraphs, render_paragraphs
from reflexion.errors import SettingsError, TaskError
from reflexion.jsonl import select

from .helpers import ROW, SHARED_DATA, write_rows


def test_a_task_keeps_question_label_and_paragraphs(task_file: Path) -> None:
    (task,) = get_domain("hotpotqa-cot-gt").load_tasks(str(task_file))
    assert task["id"] == "brightwater" and task["domain"] == "hotpotqa-cot-gt"
    assert task["prompt"] == ROW["question"]
    assert task["data"]["answer"] == "1961" and task["data"]["type"] == "bridge"
    assert [p["title"] for p in paragraphs(task)] == [c["title"] for c in ROW["context"]]
    assert [p["title"] for p in gold_paragraphs(task)] == ["Brightwater Records", "Mara Quinn"]
    assert (
        "Brightwater Records: Brightwater Records is an independent record label based in Leeds. It was founded"
        in render_paragraphs(gold_paragraphs(task))
    )


@pytest.mark.skipif(not SHARED_DATA.is_file(), reason="shared HotPotQA data not present")
def test_the_shared_file_has_100_questions_with_ten_paragraphs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFLEXION_HOTPOTQA", str(SHARED_DATA))
    tasks = get_domain("hotpotqa-react").load_tasks()
    assert len(tasks) == 100 and {len(paragraphs(t)) for t in tasks} == {10}
    assert all(2 <= len(gold_paragraphs(t)) <= 5 for t in tasks)
    (first,) = select(tasks, ["5a7613c15542994ccc9186bf"])
    assert first["data"]["answer"] == "Gesellschaft mit beschränkter Haftung"


@pytest.mark.skipif(not SHARED_DATA.is_file(), reason="shared HotPotQA data not present")
def test_the_default_path_is_the_nearest_shared_data_above_the_working_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REFLEXION_HOTPOTQA", raising=False)
    monkeypatch.chdir(Path(__file__).parent)  # deep inside the checkout: ../shared/data is found above it
    assert data_path().resolve() == SHARED_DATA.resolve()  # shared/ may be a link to the data


def test_missing_data_is_a_task_error_that_names_the_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("REFLEXION_HOTPOTQA", str(tmp_path / "nope.jsonl"))
    with pytest.raises(TaskError, match="task file not found"):
        get_domain("hotpotqa-cot").load_tasks()
    monkeypatch.delenv("REFLEXION_HOTPOTQA")
    monkeypatch.chdir(tmp_path)  # nothing above a temporary folder, and the installed code is never looked beside
    with pytest.raises(TaskError, match="HotPotQA data not found .* set REFLEXION_HOTPOTQA to the path of hotpotqa-distractor-100.jsonl"):
        data_path()


def _broken(**changes: object) -> dict:
    row = copy.deepcopy(ROW)
    for key, value in changes.items():
        if value is None:
            del row[key]
        else:
            row[key] = value
    return row


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (_broken(answer=None), r"task 2: missing field 'answer'"),
        (_broken(context="ten paragraphs"), r"task 2: field 'context' should be list"),
        (_broken(context=[]), r"task 2: 'context' has no paragraphs"),
        (_broken(context=[{"title": "A"}]), r"task 2, context 1: missing field 'sentences'"),
        (_broken(context=[{"title": "A", "sentences": [1, 2]}]), r"task 2, context 1: 'sentences' must be a list of strings"),
        (_broken(context=["A"]), r"task 2, context 1: expected"),
        (
            _broken(supporting_facts=[{"title": "Nowhere", "sent_id": 0}]),
            r"task 2, supporting fact 1: title 'Nowhere' is not among",
        ),
        (
            _broken(supporting_facts=[{"title": "Leeds", "sent_id": "0"}]),
            r"task 2, supporting fact 1: field 'sent_id' should be int",
        ),
    ],
)
def test_a_malformed_task_names_the_file_and_task(tmp_path: Path, row: dict, message: str) -> None:
    path = write_rows(tmp_path / "bad.jsonl", [ROW, row])
    with pytest.raises(TaskError, match=f"bad.jsonl: {message}"):
        load_hotpotqa(str(path), "hotpotqa-cot")


def test_bad_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": 1}\n{oops\n', encoding="utf-8")
    with pytest.raises(TaskError, match=r"bad.jsonl:2: bad JSON"):
        load_hotpotqa(str(path), "hotpotqa-cot")


def test_the_original_list_shapes_are_accepted(tmp_path: Path) -> None:
    row = _broken(
        context=[[c["title"], c["sentences"]] for c in ROW["context"]],
        supporting_facts=[[f["title"], f["sent_id"]] for f in ROW["supporting_facts"]],
    )
    (task,) = load_hotpotqa(str(write_rows(tmp_path / "raw.jsonl", [row])), "hotpotqa-cot")
    assert [p["title"] for p in gold_paragraphs(task)] == ["Brightwater Records", "Mara Quinn"]


def test_settings_come_from_the_environment_and_are_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    assert evaluator_kind() == "exact" and max_steps() == 6
    monkeypatch.setenv("REFLEXION_HOTPOTQA_EVALUATOR", "LLM")
    monkeypatch.setenv("REFLEXION_HOTPOTQA_MAX_STEPS", "8")
    assert evaluator_kind() == "llm" and max_steps() == 8
    assert get_domain("hotpotqa-react").max_steps == 8  # type: ignore[attr-defined]
    monkeypatch.setenv("REFLEXION_HOTPOTQA_EVALUATOR", "vibes")
    with pytest.raises(SettingsError, match="REFLEXION_HOTPOTQA_EVALUATOR must be one of exact, llm"):
        get_domain("hotpotqa-cot")
    monkeypatch.delenv("REFLEXION_HOTPOTQA_EVALUATOR")
    for bad in ("six", "0", "1000"):
        monkeypatch.setenv("REFLEXION_HOTPOTQA_MAX_STEPS", bad)
        with pytest.raises(SettingsError, match="REFLEXION_HOTPOTQA_MAX_STEPS must be"):
            get_domain("hotpotqa-react")
