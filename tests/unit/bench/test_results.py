"""The result file: whole lines only, never a task twice, a torn last line repaired, one writer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reflexion.bench import ResultFile, final_passed, final_verdict, read_rows
from reflexion.errors import RunLockedError, TaskError


def row(task_id: str, **extra) -> dict:
    return {"task_id": task_id, "domain": "qa", "passed": True, **extra}


def test_append_writes_one_whole_line_per_task_and_never_twice(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "results.jsonl"
    with ResultFile.open(path) as results:
        assert results.append(row("a", note="ü"))
        assert results.append(row("b"))
        assert not results.append(row("a", note="again"))  # already there: nothing written
        assert results.done("a") and not results.done("c")
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n") and text.count("\n") == 2
    assert [r["task_id"] for r in read_rows(path)] == ["a", "b"]
    assert read_rows(path)[0]["note"] == "ü"
    with ResultFile.open(path) as results:  # a later bench sees the finished tasks
        assert results.done("a") and results.done("b")
        assert not results.append(row("b"))
    assert path.read_text(encoding="utf-8") == text


def test_torn_last_line_is_skipped_by_readers_and_cut_off_by_the_writer(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    whole = "".join(json.dumps(row(t)) + "\n" for t in ("a", "b"))
    path.write_text(whole + json.dumps(row("c"))[:20], encoding="utf-8")  # killed mid-write
    assert [r["task_id"] for r in read_rows(path)] == ["a", "b"]
    with ResultFile.open(path) as results:
        assert path.read_text(encoding="utf-8") == whole
        assert not results.done("c")
        assert results.append(row("c"))
    assert [r["task_id"] for r in read_rows(path)] == ["a", "b", "c"]


def test_a_complete_line_cut_before_its_newline_counts_as_torn(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    path.write_text(json.dumps(row("a")) + "\n" + json.dumps(row("b")), encoding="utf-8")
    assert [r["task_id"] for r in read_rows(path)] == ["a"]
    with ResultFile.open(path) as results:
        assert not results.done("b")


def test_a_torn_line_cut_inside_a_multibyte_character_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    torn = (json.dumps({**row("b"), "note": "ü"}, ensure_ascii=False)).encode("utf-8")
    cut = torn[: torn.index("ü".encode()) + 1]  # the first of the character's two bytes
    path.write_bytes((json.dumps(row("a")) + "\n").encode("utf-8") + cut)
    assert [r["task_id"] for r in read_rows(path)] == ["a"]


def test_a_complete_line_that_is_not_utf8_is_an_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    path.write_bytes(b'{"task_id": "\xff"}\n')
    with pytest.raises(TaskError, match=r"cannot read result file .*results.jsonl"):
        read_rows(path)


def test_a_bad_complete_line_is_an_error_naming_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    path.write_text(json.dumps(row("a")) + "\n{oops\n", encoding="utf-8")
    with pytest.raises(TaskError, match=r"results.jsonl:2: not a result line"):
        read_rows(path)
    path.write_text('{"no": "id"}\n', encoding="utf-8")
    with pytest.raises(TaskError, match=r":1: .*no task_id"):
        read_rows(path)


def test_missing_file_has_no_rows(tmp_path: Path) -> None:
    assert read_rows(tmp_path / "none.jsonl") == []


def test_second_writer_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    with ResultFile.open(path):
        with pytest.raises(RunLockedError, match="another `reflexion bench` is writing"):
            with ResultFile.open(path):
                pass
    with ResultFile.open(path):  # released afterwards
        pass


@pytest.mark.parametrize(
    ("final", "internal", "expected"),
    [
        (None, True, True),
        (None, False, False),
        ({"passed": False, "hidden_passed": True}, True, False),  # "passed" wins
        ({"hidden_passed": True}, False, True),
        ({"hidden_passed": False}, True, False),
        ({"note": "no flag"}, True, True),  # no flag: the loop's verdict
    ],
)
def test_final_pass_flag(final, internal, expected) -> None:
    assert final_passed(final, internal) is expected
    assert final_verdict(final) is (None if final is None or "note" in final else expected)
