"""Where runs are kept: a SQLite file by default (one thread per task run), and a lock per thread
so that two processes never drive the same thread at once."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout
from langgraph.checkpoint.sqlite import SqliteSaver

from reflexion.errors import RunLockedError, SettingsError

DEFAULT_DB = Path(".reflexion") / "checkpoints.sqlite"


def db_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The checkpoint file: the argument, else ``REFLEXION_DB``, else ``.reflexion/checkpoints.sqlite``."""
    return Path(path or os.environ.get("REFLEXION_DB") or DEFAULT_DB)


@contextmanager
def open_checkpointer(path: str | os.PathLike[str] | None = None) -> Iterator[SqliteSaver]:
    """A SQLite checkpointer on ``path``. Runs stream with ``durability="sync"``, so each step is
    committed before the next starts: a kill -9 loses at most the step in flight."""
    file = db_path(path)
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(file, check_same_thread=False, timeout=30)
    except (OSError, sqlite3.Error) as exc:
        raise SettingsError(f"cannot use {file} as the checkpoint file: {exc}; pass another --db") from exc
    try:
        saver = SqliteSaver(conn)
        try:
            saver.setup()
        except sqlite3.DatabaseError as exc:
            raise SettingsError(f"cannot use {file} as the checkpoint file: {exc}; pass another --db") from exc
        yield saver
    finally:
        conn.close()


@contextmanager
def thread_lock(thread_id: str, path: str | os.PathLike[str] | None = None) -> Iterator[None]:
    """Hold the lock of one thread; a second holder gets :class:`RunLockedError` at once."""
    digest = hashlib.sha1(thread_id.encode()).hexdigest()[:16]
    lock_dir = db_path(path).parent / "locks"
    lock_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(lock_dir / f"{digest}.lock")
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise RunLockedError(
            f"thread {thread_id!r} is being run by another process right now; wait for it to finish"
        ) from None
    try:
        yield
    finally:
        lock.release()
