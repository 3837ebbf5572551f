"""What a bench runs: the domain and tasks a SOURCE names, where results go, and each task's thread.

SOURCE is what the domain's ``load_tasks`` takes (a file, or a name the domain knows such as
``humaneval``); ``builtin`` (or ``-``) means the domain's built-in task set. The domain follows from
the source for the programming benchmarks (``humaneval``, ``mbpp``, a ``.py`` file); any other
source needs ``--domain``.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from reflexion.domains import Domain, domain_names
from reflexion.errors import SettingsError
from reflexion.jsonl import select
from reflexion.state import Task

BUILTIN_SOURCES = ("builtin", "-")
SOURCE_DOMAINS = {"humaneval": "programming", "mbpp": "programming"}
RESULTS_DIR = Path("results")


def domain_for(source: str, domain: str | None = None) -> str:
    """The domain to run ``source`` with: ``domain`` when given, else the one the source implies."""
    if domain:
        return domain
    implied = SOURCE_DOMAINS.get(source.lower()) or ("programming" if source.endswith(".py") else None)
    if implied is None:
        raise SettingsError(
            f"cannot tell the domain of {source!r}: pass --domain ({', '.join(domain_names())}); "
            f"sources with a default domain: {', '.join(SOURCE_DOMAINS)}, a .py file"
        )
    return implied


def load_source(domain: Domain, source: str) -> list[Task]:
    return domain.load_tasks(None if source in BUILTIN_SOURCES else source)


def pick(tasks: list[Task], ids: list[str] | None = None, limit: int | None = None) -> list[Task]:
    """The tasks with ``ids`` (in that order; all when none), then the first ``limit`` of them."""
    if limit is not None and limit < 1:
        raise SettingsError(f"--limit must be a positive number of tasks, got {limit}")
    chosen = select(tasks, ids)
    return chosen[:limit] if limit is not None else chosen


def default_out(source: str, domain: str, strategy: str) -> Path:
    """``results/<domain>-<source name>-<strategy>.jsonl``."""
    name = "builtin" if source in BUILTIN_SOURCES else Path(source).name.split(".")[0] or "tasks"
    return RESULTS_DIR / f"{_slug(domain)}-{_slug(name)}-{strategy}.jsonl"


def bench_thread_id(out: str | Path, task_id: str, strategy: str) -> str:
    """The thread of one task of the bench writing ``out``: the same on every re-run, so a re-run
    finds it, and distinct for another result file (its absolute path is hashed in)."""
    path = Path(out).resolve()
    digest = hashlib.sha1(str(path).encode()).hexdigest()[:8]
    return f"bench:{path.stem}-{digest}:{task_id}:{strategy}"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "x"
