"""Malformed task files give one clear error naming the file and line."""

from __future__ import annotations

import gzip

import pytest

from reflexion.domains import get_domain
from reflexion.errors import TaskError
from reflexion.jsonl import read_jsonl, select

QA = get_domain("qa")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "no tasks in file (it is empty)"),
        (b"\n\n", "no tasks in file"),
        (b'{"id": "a", "question": "q", "answer": "1"}\n{"id": \n', ":2: bad JSON"),
        (b'[1, 2]\n', ":1: expected a JSON object, got list"),
        (b'{"id": "a", "answer": "1"}\n', ":1: missing field 'question'"),
        (b'{"id": "a", "question": 3, "answer": "1"}\n', ":1: field 'question' should be str, got int"),
        (b'\n{"id": "a", "question": "q", "answer": null}\n', ":2: field 'answer' should be"),
        (b'{"id": "a", "question": "caf\xe9"}\n', "not UTF-8"),
    ],
)
def test_malformed_task_files(tmp_path, content, message):
    path = tmp_path / "tasks.jsonl"
    path.write_bytes(content)
    with pytest.raises(TaskError, match=message.replace("(", r"\(").replace(")", r"\)")) as info:
        QA.load_tasks(str(path))
    assert "\n" not in str(info.value)


def test_missing_file():
    with pytest.raises(TaskError, match="task file not found"):
        QA.load_tasks("/no/such/file.jsonl")


def test_gzip_files_are_read(tmp_path):
    path = tmp_path / "tasks.jsonl.gz"
    with gzip.open(path, "wt") as f:
        f.write('{"id": 1, "question": "q?", "answer": 2}\n')
    assert QA.load_tasks(str(path))[0]["id"] == "1"
    assert read_jsonl(path) == [{"id": 1, "question": "q?", "answer": 2}]


def test_unknown_task_id_suggests_close_ones():
    tasks = QA.load_tasks()
    with pytest.raises(TaskError, match="unknown task id 'sum-prime'; did you mean sum-primes"):
        select(tasks, ["sum-prime"])
    assert [t["id"] for t in select(tasks, ["planet", "water"])] == ["planet", "water"]
