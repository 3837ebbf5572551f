"""Loading HumanEval, MBPP and the user's own tasks; malformed input is a one-line TaskError."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reflexion.domains.programming.tasks import MBPP_ENV, load_tasks, mbpp_path
from reflexion.errors import TaskError

MBPP_DATA = Path(__file__).resolve().parents[4] / "shared" / "data" / "mbpp-py.jsonl"


def test_humaneval_comes_from_the_installed_package():
    tasks = load_tasks("humaneval")
    assert len(tasks) == 164 and load_tasks(None)[0] == tasks[0]
    first = tasks[0]
    assert first["id"] == "HumanEval/0" and first["domain"] == "programming"
    assert first["data"]["entry_point"] == "has_close_elements"
    assert "def check(candidate)" in first["data"]["hidden_test"]
    assert "def check" not in first["prompt"]  # the hidden tests stay out of the task text
    assert first["data"]["visible_tests"] == [
        "assert has_close_elements([1.0, 2.0, 3.0], 0.5) == False",
        "assert has_close_elements([1.0, 2.8, 3.0, 4.0, 5.0, 2.0], 0.3) == True",
    ]


@pytest.mark.skipif(not MBPP_DATA.is_file(), reason="needs ../shared/data/mbpp-py.jsonl")
def test_mbpp_from_the_environment_variable(monkeypatch):
    monkeypatch.setenv(MBPP_ENV, str(MBPP_DATA))
    tasks = load_tasks("mbpp")
    assert len(tasks) == 397
    first = tasks[0]
    assert first["id"] == "mbpp_234_volume_cube" and first["data"]["entry_point"] == "volume_cube"
    assert first["data"]["hidden_test"].rstrip().endswith("test_check()")
    assert first["data"]["visible_tests"] == []


@pytest.mark.skipif(not MBPP_DATA.is_file(), reason="needs ../shared/data/mbpp-py.jsonl")
def test_mbpp_is_found_in_the_nearest_shared_data_above_the_working_directory(monkeypatch):
    monkeypatch.delenv(MBPP_ENV, raising=False)
    monkeypatch.chdir(Path(__file__).parent)  # deep inside the checkout: ../shared/data is found above it
    assert mbpp_path() == MBPP_DATA.resolve()  # shared/ may be a link to the data


def test_mbpp_missing_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv(MBPP_ENV, str(tmp_path / "nope.jsonl"))
    with pytest.raises(TaskError, match="REFLEXION_MBPP points to .*nope.jsonl"):
        load_tasks("mbpp")
    monkeypatch.delenv(MBPP_ENV)
    monkeypatch.chdir(tmp_path)  # nothing above a temporary folder, and the installed code is never looked beside
    with pytest.raises(TaskError, match="MBPP data not found .*: set REFLEXION_MBPP to the path of mbpp-py.jsonl"):
        load_tasks("mbpp")


def write_jsonl(path: Path, rows: list[object]) -> str:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n")
    return str(path)


def test_user_jsonl_with_visible_and_hidden_tests(tmp_path):
    rows = [
        {
            "id": "add",
            "prompt": 'def add(a, b):\n    """Sum."""\n',
            "tests": ["assert add(1, 2) == 3"],
            "test": "assert add(2, 2) == 4\n",
        },
        {"id": 7, "prompt": 'def twice(x):\n    """Double it.\n    >>> twice(2)\n    4\n    """\n'},
        {"id": "prose", "prompt": "Write a function neg(x) that negates x.", "entry_point": "neg"},
    ]
    tasks = load_tasks(write_jsonl(tmp_path / "mine.jsonl", rows))
    assert [t["id"] for t in tasks] == ["add", "7", "prose"]
    assert tasks[0]["data"] | {"source": ""} == {
        "entry_point": "add",
        "hidden_test": "assert add(2, 2) == 4\n",
        "visible_tests": ["assert add(1, 2) == 3"],
        "source": "",
    }
    assert tasks[1]["data"]["entry_point"] == "twice"  # inferred from the prompt
    assert tasks[1]["data"]["visible_tests"] == ["assert twice(2) == 4"]  # from the docstring
    assert tasks[1]["data"]["hidden_test"] == ""
    assert tasks[2]["data"]["entry_point"] == "neg"


def test_a_row_may_set_its_own_options(tmp_path):
    row = {"id": "a", "prompt": "def f(): pass", "test_source": "visible", "max_self_tests": 2}
    (task,) = load_tasks(write_jsonl(tmp_path / "mine.jsonl", [row]))
    assert task["data"]["test_source"] == "visible" and task["data"]["max_self_tests"] == 2


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (['{"id": "a", "prompt": "def f(): pass"}', "{not json"], r"mine.jsonl:2: bad JSON"),
        ([{"id": "a"}], r"mine.jsonl: task 1: missing field 'prompt'"),
        ([{"id": "a", "prompt": "Write f."}], r"task 1: give an 'entry_point'"),
        ([{"id": "a", "prompt": "def f(): pass", "test": "assert f( == 1"}], r"task 1: field 'test' is not valid Python"),
        ([{"id": "a", "prompt": "def f(): pass", "test": 3}], r"task 1: field 'test' should be str"),
        ([{"id": "a", "prompt": "def f(): pass", "tests": ["f() == 1"]}], r"task 1: field 'tests' holds 'f\(\) == 1'"),
        ([{"id": "a", "prompt": "def f(): pass", "tests": 3}], r"task 1: field 'tests' must be a list"),
        ([{"id": "a", "prompt": "def f(): pass"}, {"id": "a", "prompt": "def g(): pass"}], r"task 2: duplicate id 'a'"),
        ([{"id": "a", "prompt": "def f(): pass", "test_source": "hidden"}], r"task 1: test_source .* must be one of"),
        ([{"id": "a", "prompt": "def f(): pass", "max_self_tests": 0}], r"task 1: max_self_tests must be a positive int"),
    ],
)
def test_malformed_user_jsonl_names_the_line(tmp_path, rows, message):
    with pytest.raises(TaskError, match=message):
        load_tasks(write_jsonl(tmp_path / "mine.jsonl", rows))


def test_a_python_file_is_one_task_its_asserts_hidden(tmp_path):
    path = tmp_path / "fizz.py"
    path.write_text(
        "from typing import List\n\n\ndef fizz(n: int) -> List[str]:\n"
        "    \"\"\"Fizz for multiples of 3.\n    >>> fizz(3)\n    ['1', '2', 'Fizz']\n    \"\"\"\n\n\n"
        "assert fizz(1) == ['1']\nassert fizz(6)[-1] == 'Fizz'\n"
    )
    (task,) = load_tasks(str(path))
    assert task["id"] == "fizz" and task["data"]["entry_point"] == "fizz"
    assert "assert" not in task["prompt"] and task["prompt"].startswith("from typing import List")
    assert task["data"]["hidden_test"] == "assert fizz(1) == ['1']\nassert fizz(6)[-1] == 'Fizz'\n"
    assert task["data"]["visible_tests"] == ["assert fizz(3) == ['1', '2', 'Fizz']"]


def test_the_stub_is_the_entry_point_not_a_helper(tmp_path):
    text = 'def helper(x):\n    return x + 1\n\ndef solve(x):\n    """Use helper."""\n'
    (task,) = load_tasks(text)  # Python text straight from the command line
    assert task["id"] == "solve" and task["data"]["entry_point"] == "solve"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("def f(x):", r"the task text is not valid Python \(syntax error"),
        ("import os\nx = 1\n", r"the task text defines no function"),
        ("missing.py", r"task file not found: missing.py"),
        ("nothing-here", r"unknown programming task source 'nothing-here'"),
        ("missing.jsonl", r"task file not found: missing.jsonl"),
    ],
)
def test_bad_user_sources(source, message):
    with pytest.raises(TaskError, match=message):
        load_tasks(source)


def test_a_python_file_that_is_not_text(tmp_path):
    path = tmp_path / "bad.py"
    path.write_bytes(b"def f():\n    'caf\xe9'\n")
    with pytest.raises(TaskError, match="bad.py: cannot read: 'utf-8' codec can't decode"):
        load_tasks(str(path))
