"""The process tree of a command under test, read from Linux's ``/proc``: what a process started,
and whether any of it is still alive after the process was killed or interrupted.

A process is identified by its pid *and* its start time, so a pid reused by an unrelated process
after the original died is never mistaken for a survivor.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

# What the sandbox's processes look like: the ``bwrap`` launcher, and the harness interpreter, which
# reads its code from a bootstrap string (``reflexion.sandbox.isolation.BOOTSTRAP``) or a file.
SANDBOX_MARKERS = ("sandbox bootstrap", "/sandbox/harness.py", "sandbox/_harness.py")
LOCAL_MODEL_MARKER = "llama_cpp.server"  # the embedded model server (reflexion.local)


@dataclass(frozen=True)
class Proc:
    pid: int
    ppid: int
    start: int  # clock ticks after boot (field 22 of /proc/PID/stat)
    state: str
    argv: tuple[str, ...]

    @property
    def cmdline(self) -> str:
        return " ".join(self.argv)

    @property
    def is_sandbox(self) -> bool:
        """The sandbox's launcher (bubblewrap) or its harness."""
        return bool(self.argv) and (os.path.basename(self.argv[0]) == "bwrap" or any(m in self.cmdline for m in SANDBOX_MARKERS))

    @property
    def is_local_model(self) -> bool:
        return LOCAL_MODEL_MARKER in self.argv


def read_proc(pid: int) -> Proc | None:
    """The process ``pid`` as /proc shows it now; None when it is gone (or already a zombie)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()  # the command name in parentheses may hold spaces
    state, ppid, start = fields[0], int(fields[1]), int(fields[19])
    if state in ("Z", "X"):
        return None
    argv = tuple(part.decode("utf-8", "replace") for part in raw.split(b"\0") if part)
    return Proc(pid, ppid, start, state, argv)


def all_processes() -> list[Proc]:
    procs = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (proc := read_proc(int(entry))) is not None:
            procs.append(proc)
    return procs


def descendants(pid: int) -> list[Proc]:
    """Every living process below ``pid`` (children, grandchildren, ...)."""
    by_parent: dict[int, list[Proc]] = {}
    for proc in all_processes():
        by_parent.setdefault(proc.ppid, []).append(proc)
    found, todo = [], [pid]
    while todo:
        for child in by_parent.get(todo.pop(), []):
            found.append(child)
            todo.append(child.pid)
    return found


def alive(proc: Proc) -> bool:
    now = read_proc(proc.pid)
    return now is not None and now.start == proc.start


def survivors(procs: list[Proc], *, within_s: float = 5.0) -> list[Proc]:
    """Those of ``procs`` still alive after up to ``within_s`` seconds (dying takes a moment:
    bubblewrap's ``--die-with-parent`` and the local server's watchdog react to the parent's death)."""
    deadline = time.monotonic() + within_s
    while True:
        left = [proc for proc in procs if alive(proc)]
        if not left or time.monotonic() >= deadline:
            return left
        time.sleep(0.05)
