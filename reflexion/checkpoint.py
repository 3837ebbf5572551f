"""Where runs are kept, and a lock per thread so that two processes never drive the same thread at once.

``--db`` / ``REFLEXION_DB`` names a SQLite file (the default: ``.reflexion/checkpoints.sqlite``) or a
PostgreSQL database (``postgresql://user:password@host:port/dbname``, with the ``[postgres]`` extra).
:func:`open_checkpointer` gives LangGraph's synchronous savers (for ``invoke``/``stream``),
:func:`open_async_checkpointer` its asynchronous ones on the running event loop (``AsyncSqliteSaver``,
``AsyncPostgresSaver``, for ``ainvoke``/``astream``); both keep their data in the same tables.
With SQLite a thread's lock is a file beside the checkpoint file; with PostgreSQL it is an advisory
lock held by a connection of its own, so it also keeps apart processes on different machines.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.sqlite import SqliteSaver

from reflexion.errors import RunLockedError, SettingsError, TaskError

DEFAULT_DB = Path(".reflexion") / "checkpoints.sqlite"
POSTGRES_SCHEMES = ("postgresql://", "postgres://")
POSTGRES_HINT = "pip install -e '.[postgres]'"


def db_target(db: str | os.PathLike[str] | None = None) -> str:
    """The checkpoint store: the argument, else ``REFLEXION_DB``, else ``.reflexion/checkpoints.sqlite``."""
    return str(db or os.environ.get("REFLEXION_DB") or DEFAULT_DB)


def is_postgres(db: str | os.PathLike[str] | None) -> bool:
    return db_target(db).startswith(POSTGRES_SCHEMES)


def db_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The checkpoint file (SQLite)."""
    target = db_target(path)
    if target.startswith(POSTGRES_SCHEMES):
        raise SettingsError(f"{redacted(target)} is a PostgreSQL database, not a checkpoint file")
    return Path(target)


def redacted(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


@contextmanager
def open_checkpointer(db: str | os.PathLike[str] | None = None) -> Iterator[BaseCheckpointSaver[Any]]:
    """The checkpointer for ``db`` (a SQLite file or a PostgreSQL URL), its tables set up on first
    use. Runs stream with ``durability="sync"``, so each step is committed before the next starts:
    a kill -9 loses at most the step in flight."""
    if is_postgres(db):
        with _postgres_saver(db_target(db)) as saver:
            yield saver
        return
    file = db_path(db)
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


@asynccontextmanager
async def open_async_checkpointer(db: str | os.PathLike[str] | None = None) -> AsyncIterator[BaseCheckpointSaver[Any]]:
    """:func:`open_checkpointer` for the running event loop: ``AsyncSqliteSaver`` (aiosqlite) or
    ``AsyncPostgresSaver``, set up on first use. With ``durability="sync"`` every step is still
    committed before the next starts; waiting for the commit blocks no other task."""
    if is_postgres(db):
        async with _async_postgres_saver(db_target(db)) as saver:
            yield saver
        return
    import aiosqlite
    from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

    file = db_path(db)
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(file, timeout=30)
    except (OSError, sqlite3.Error) as exc:
        raise SettingsError(f"cannot use {file} as the checkpoint file: {exc}; pass another --db") from exc
    saver = AsyncSqliteSaver(conn)
    try:
        try:
            await saver.setup()
        except sqlite3.DatabaseError as exc:
            raise SettingsError(f"cannot use {file} as the checkpoint file: {exc}; pass another --db") from exc
        yield saver
    finally:
        await _aclose(saver, conn)


async def _aclose(saver: Any, conn: Any) -> None:
    """Close the async saver's connection once the writes in flight are done.

    A cancelled run (Ctrl-C, a failed sibling task) leaves LangGraph finishing its writes in tasks
    of its own, which can outlive the run. Closing the connection under one of them left it holding
    SQLite's write lock until the garbage collector freed it, and the next bench in the process
    waited for it ("database is locked"). Every write of the saver takes its lock, first come first
    served: taking it once more waits for those already started. (PostgreSQL's saver has the same
    lock; there a closed connection only loses the write.)
    """
    try:
        async with saver.lock:
            pass
    finally:
        await conn.close()


def is_sync_only(saver: BaseCheckpointSaver[Any]) -> bool:
    """Whether ``saver`` is one of LangGraph's synchronous savers, which refuse async calls."""
    if isinstance(saver, SqliteSaver):
        return True
    postgres = sys.modules.get("langgraph.checkpoint.postgres")  # never imported: it cannot be one of its savers
    return postgres is not None and isinstance(saver, postgres.PostgresSaver)


def _connect(url: str) -> Any:
    """A psycopg connection as LangGraph's Postgres checkpointer wants it; one clear line when there is none."""
    try:
        import psycopg
        from psycopg.rows import dict_row
    except ImportError:
        raise SettingsError(f"a PostgreSQL --db needs the [postgres] extra: {POSTGRES_HINT}") from None
    try:
        return psycopg.connect(url, autocommit=True, row_factory=dict_row, connect_timeout=10)
    except psycopg.Error as exc:
        raise SettingsError(f"cannot connect to the PostgreSQL database {redacted(url)}: {_first_line(exc)}") from None


async def _aconnect(url: str) -> Any:
    """:func:`_connect` on the event loop (psycopg's ``AsyncConnection``)."""
    try:
        import psycopg
        from psycopg.rows import dict_row
    except ImportError:
        raise SettingsError(f"a PostgreSQL --db needs the [postgres] extra: {POSTGRES_HINT}") from None
    try:
        return await psycopg.AsyncConnection.connect(url, autocommit=True, row_factory=dict_row, connect_timeout=10)
    except psycopg.Error as exc:
        raise SettingsError(f"cannot connect to the PostgreSQL database {redacted(url)}: {_first_line(exc)}") from None


@asynccontextmanager
async def _async_postgres_saver(url: str) -> AsyncIterator[BaseCheckpointSaver[Any]]:
    try:
        from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
    except ImportError:
        raise SettingsError(f"a PostgreSQL --db needs the [postgres] extra: {POSTGRES_HINT}") from None
    import psycopg

    conn = await _aconnect(url)
    saver = AsyncPostgresSaver(conn)
    try:
        try:
            await saver.setup()
        except psycopg.Error as exc:
            raise _setup_error(url, exc) from None
        yield saver
    finally:
        await _aclose(saver, conn)


@contextmanager
def _postgres_saver(url: str) -> Iterator[BaseCheckpointSaver[Any]]:
    try:
        from langgraph.checkpoint.postgres import PostgresSaver
    except ImportError:
        raise SettingsError(f"a PostgreSQL --db needs the [postgres] extra: {POSTGRES_HINT}") from None
    import psycopg

    conn = _connect(url)
    try:
        saver = PostgresSaver(conn)
        try:
            saver.setup()  # creates or migrates its tables; a no-op once they are there
        except psycopg.Error as exc:
            raise _setup_error(url, exc) from None
        yield saver
    finally:
        conn.close()


def _setup_error(url: str, exc: BaseException) -> SettingsError:
    return SettingsError(
        f"cannot set up the checkpoint tables in {redacted(url)}: {_first_line(exc)} "
        "(the user needs to create tables there, or an administrator runs the first setup)"
    )


@contextmanager
def thread_lock(thread_id: str, db: str | os.PathLike[str] | None = None) -> Iterator[None]:
    """Hold the lock of one thread; a second holder gets :class:`RunLockedError` at once."""
    if is_postgres(db):
        with _advisory_lock(thread_id, db_target(db)):
            yield
        return
    digest = hashlib.sha1(thread_id.encode()).hexdigest()[:16]
    lock_dir = db_path(db).parent / "locks"
    lock_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(lock_dir / f"{digest}.lock")
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise RunLockedError(_locked(thread_id)) from None
    try:
        yield
    finally:
        lock.release()


@asynccontextmanager
async def athread_lock(thread_id: str, db: str | os.PathLike[str] | None = None) -> AsyncIterator[None]:
    """:func:`thread_lock` on the event loop: the same locks (a file lock is taken at once, without
    waiting; a PostgreSQL advisory lock over an ``AsyncConnection``)."""
    if not is_postgres(db):
        with thread_lock(thread_id, db):
            yield
        return
    conn = await _aconnect(db_target(db))
    try:
        cursor = await conn.execute("SELECT pg_try_advisory_lock(%s) AS locked", (advisory_key(thread_id),))
        row = await cursor.fetchone()
        if not row["locked"]:
            raise RunLockedError(_locked(thread_id))
        yield
    finally:
        await conn.close()


def advisory_key(thread_id: str) -> int:
    """The thread's advisory-lock key: a signed 64-bit number from its id (stable across processes)."""
    return int.from_bytes(hashlib.sha1(f"reflexion-thread:{thread_id}".encode()).digest()[:8], "big", signed=True)


@contextmanager
def _advisory_lock(thread_id: str, url: str) -> Iterator[None]:
    # Held by a connection of its own for as long as the thread runs; a crash or kill drops the
    # connection and with it the lock, so a dead process never leaves a thread locked.
    conn = _connect(url)
    try:
        row = conn.execute("SELECT pg_try_advisory_lock(%s) AS locked", (advisory_key(thread_id),)).fetchone()
        if not row["locked"]:
            raise RunLockedError(_locked(thread_id))
        yield
    finally:
        conn.close()


def thread_ids(db: str | os.PathLike[str] | None = None) -> list[str]:
    """The threads stored in the checkpoint store, most recent first."""
    if is_postgres(db):
        import psycopg

        conn = _connect(db_target(db))
        try:
            rows = conn.execute("SELECT thread_id, MAX(checkpoint_id) AS last FROM checkpoints GROUP BY thread_id ORDER BY last DESC").fetchall()
        except psycopg.errors.UndefinedTable:
            return []
        finally:
            conn.close()
        return [row["thread_id"] for row in rows]
    file = db_path(db)
    if not file.is_file():
        raise TaskError(f"no checkpoint file at {file}; runs are stored there by `reflexion run`")
    try:
        with sqlite3.connect(file) as conn:
            found = conn.execute(
                "SELECT thread_id, MAX(rowid) AS last FROM checkpoints GROUP BY thread_id ORDER BY last DESC"
            ).fetchall()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return []
        raise TaskError(f"cannot read {file} as a checkpoint file: {exc}") from exc
    except sqlite3.DatabaseError as exc:
        raise TaskError(f"cannot read {file} as a checkpoint file: {exc}") from exc
    return [row[0] for row in found]


def describe(db: str | os.PathLike[str] | None = None) -> str:
    """The store, for messages (a URL without its password)."""
    return redacted(db_target(db))


def _locked(thread_id: str) -> str:
    return f"thread {thread_id!r} is being run by another process right now; wait for it to finish"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
