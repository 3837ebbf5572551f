"""The result file of a bench: one JSON line per finished task, appended so that a kill never leaves
a half line and no task is ever written twice.

Each line is written with one ``os.write`` of the whole line (newline included) on a file opened
with ``O_APPEND``, then ``fsync``. A line that does not end in a newline was cut by a crash: readers
skip it, and the writer cuts it off before appending, so the task is simply finished again (from
its checkpoint; nothing is recomputed).
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypedDict, cast

from filelock import FileLock, Timeout

from reflexion.errors import ReflexionError, RunLockedError, TaskError
from reflexion.state import Usage


class Verdict(TypedDict):
    """The evaluator's (internal) verdict on one trial."""

    trial: int
    score: float
    success: bool
    feedback: str


class ResultRow(TypedDict):
    """One finished task of a bench."""

    task_id: str
    domain: str
    strategy: str
    max_trials: int
    memory_window: int
    retry_temperature: float  # the actor's temperature after a repeated attempt (0: always greedy)
    domain_settings: dict[str, Any]  # the domain's settings the run kept (``Domain.settings()``)
    thread_id: str
    outcome: str  # "solved" or "failed": the loop's own (internal) verdict
    trials: int  # trials the loop ran
    final_trial: int  # the trial whose candidate the run answered with (its best; see reflexion.selection)
    candidate: str  # the final candidate (code, answer)
    verdicts: list[Verdict]
    final: dict[str, Any] | None  # ``domain.score(task, candidate)``: hidden tests etc.; None when the domain has none
    passed: bool  # ``final["passed"]`` (or ``final["hidden_passed"]``) when there is one, else the loop's verdict
    # passed_by_trial[t-1]: whether the answer the run would have given after t trials passed the final
    # scoring (scored after the loop ended, never fed back); the last one is ``passed``.
    passed_by_trial: list[bool]
    repeats: list[int | None]  # per trial: the earlier trial whose candidate it repeated
    reflections: list[str]
    usage: dict[str, Usage]  # LLM calls and tokens per role
    wall_s: float  # seconds this process spent on the task (a resumed task: only the part after the resume)
    resumed: bool  # the task continued a thread started by an earlier, interrupted bench


PASS_KEYS = ("passed", "hidden_passed")


def final_verdict(final: dict[str, Any] | None) -> bool | None:
    """The pass flag in a domain's final score (``passed``, else ``hidden_passed``); None without one."""
    for key in PASS_KEYS:
        if final is not None and isinstance(final.get(key), bool):
            return final[key]
    return None


def final_passed(final: dict[str, Any] | None, internal_success: bool) -> bool:
    """The generic pass flag of a task: the domain's final verdict when it gives one, else the loop's."""
    verdict = final_verdict(final)
    return internal_success if verdict is None else verdict


def common_rows(files: dict[Any, list[ResultRow]]) -> dict[Any, list[ResultRow]]:
    """Each file's rows of only the tasks every file has (runs still in progress compared fairly)."""
    shared = set.intersection(*({row["task_id"] for row in rows} for rows in files.values())) if files else set()
    return {key: [row for row in rows if row["task_id"] in shared] for key, rows in files.items()}


def read_result_files(names: Iterable[str | os.PathLike[str]]) -> dict[Path, list[ResultRow]]:
    """The rows of each named result file, in the order given. Unlike ``read_rows``, which reads a
    missing file as no rows (a bench not yet started), a file that is not there is an error here: it
    was named to be read."""
    files: dict[Path, list[ResultRow]] = {}
    for name in names:
        path = Path(name)
        if not path.is_file():
            raise TaskError(f"no result file at {path}; `reflexion bench SOURCE` writes one")
        files[path] = read_rows(path)
    return files


def read_rows(path: str | os.PathLike[str]) -> list[ResultRow]:
    """The rows of a result file (none when it does not exist). A torn last line (no newline) is
    skipped; a bad complete line is an error naming the file and line."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise TaskError(f"cannot read result file {path}: {exc.strerror or exc}") from exc
    finished = data[: data.rfind(b"\n") + 1]  # a torn last line may end inside a multi-byte character
    try:
        text = finished.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TaskError(f"cannot read result file {path}: {exc}") from exc
    lines = text.split("\n")[:-1]
    rows: list[ResultRow] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise TaskError(f"{path}:{number}: not a result line ({exc.msg}); remove that line to go on") from exc
        if not isinstance(row, dict) or "task_id" not in row:
            raise TaskError(f"{path}:{number}: not a result line (no task_id); remove that line to go on")
        rows.append(cast(ResultRow, row))  # a line this module wrote: checked for task_id above
    return rows


class ResultFile:
    """The result file a running bench appends to; open it with :meth:`open` (holds the bench lock)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.rows: list[ResultRow] = []
        self._ids: set[str] = set()
        self._write_lock = threading.Lock()  # worker threads append one at a time

    @classmethod
    @contextmanager
    def open(cls, path: str | os.PathLike[str]) -> Iterator[ResultFile]:
        """Lock the file for this process (a second bench on it gets :class:`RunLockedError` at once),
        repair a torn last line, and read the finished tasks."""
        results = cls(path)
        if results.path.is_dir():
            raise TaskError(f"{results.path} is a folder; --out takes a file name")
        try:
            results.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise TaskError(f"cannot create the folder of {results.path}: {exc.strerror or exc}") from exc
        lock = FileLock(f"{results.path}.lock")
        try:
            lock.acquire(timeout=0)
        except Timeout:
            raise RunLockedError(
                f"another `reflexion bench` is writing {results.path} right now; wait for it, or pass another --out"
            ) from None
        try:
            results.repair()
            results.rows = read_rows(results.path)
            results._ids = {row["task_id"] for row in results.rows}
            yield results
        finally:
            lock.release()

    def repair(self) -> bool:
        """Cut off a torn last line (left by a kill mid-write); True when there was one."""
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            return False
        if size == 0:
            return False
        with open(self.path, "rb+") as f:
            data = f.read()
            if data.endswith(b"\n"):
                return False
            f.truncate(data.rfind(b"\n") + 1)
            f.flush()
            os.fsync(f.fileno())
        return True

    def done(self, task_id: str) -> bool:
        return task_id in self._ids

    def append(self, row: ResultRow) -> bool:
        """Write the row as one line; False (nothing written) when the task is already in the file."""
        data = (json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8")
        with self._write_lock:
            if row["task_id"] in self._ids:
                return False
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                written = os.write(fd, data)
                if written != len(data):  # a short write (disk full): drop the torn piece, report it
                    os.ftruncate(fd, os.fstat(fd).st_size - written)
                    raise ReflexionError(f"could not write a whole line to {self.path} (disk full?); re-run the same command once fixed")
                os.fsync(fd)
            finally:
                os.close(fd)
            self._ids.add(row["task_id"])
            self.rows.append(row)
        return True
