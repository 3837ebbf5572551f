"""Reading task files (JSON lines) with errors that name the file and line, never a traceback."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from reflexion.errors import TaskError


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Every object in a ``.jsonl`` (or ``.jsonl.gz``) file; blank lines are skipped."""
    return [row for _, row in read_jsonl_numbered(path)]


def read_jsonl_numbered(path: str | Path) -> list[tuple[int, dict[str, Any]]]:
    """Like :func:`read_jsonl`, with each object's line number (for errors such as ``file:7: missing field``)."""
    path = Path(path)
    if not path.is_file():
        raise TaskError(f"task file not found: {path}")
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as f:
            lines = f.read().splitlines()
    except UnicodeDecodeError as exc:
        raise TaskError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except (OSError, EOFError) as exc:
        raise TaskError(f"{path}: cannot read: {exc}") from exc
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise TaskError(f"{path}:{number}: bad JSON: {exc.msg} (column {exc.colno})") from exc
        if not isinstance(row, dict):
            raise TaskError(f"{path}:{number}: expected a JSON object, got {type(row).__name__}")
        rows.append((number, row))
    if not rows:
        raise TaskError(f"{path}: no tasks in file (it is empty)")
    return rows


def require(row: dict[str, Any], fields: dict[str, type | tuple[type, ...]], where: str) -> None:
    """Check that ``row`` has each field with the given type; ``where`` names the file and line."""
    for name, kind in fields.items():
        if name not in row:
            raise TaskError(f"{where}: missing field {name!r}")
        if not isinstance(row[name], kind):
            expected = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            raise TaskError(f"{where}: field {name!r} should be {expected}, got {type(row[name]).__name__}")


def select(tasks: list[Any], ids: list[str] | None) -> list[Any]:
    """The tasks with the given ids, in the order asked; an unknown id is an error naming close ones."""
    if not ids:
        return tasks
    by_id = {t["id"]: t for t in tasks}
    missing = [i for i in ids if i not in by_id]
    if missing:
        import difflib

        hint = difflib.get_close_matches(missing[0], list(by_id), n=3)
        extra = f"; did you mean {', '.join(hint)}?" if hint else f" ({len(by_id)} tasks available)"
        raise TaskError(f"unknown task id {missing[0]!r}{extra}")
    return [by_id[i] for i in ids]
