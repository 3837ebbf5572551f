"""Ctrl-C and SIGTERM for the command line: say how to resume, stop child processes, exit now.

Unwinding normally would wait for the model call in flight (LangGraph's executor joins its worker
threads), which can take minutes. Nothing is lost by exiting at once: every finished step is already
committed (``durability="sync"``), file locks die with the process, and children registered here
(the local model server) are stopped first; sandboxed code dies with its parent (bubblewrap).

Python runs a signal handler in the main thread, between two bytecodes. When the kernel hands the
signal to another thread (a model call's worker, the server's reader) while the main thread sleeps
in a lock wait, nothing wakes the main thread and the handler never runs: a bench ignored Ctrl-C and
SIGTERM for as long as its tasks ran. So the signal is also written to a wake-up pipe, and a watcher
thread that reads it leaves on the handler's behalf if the handler has not started within a second.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable

_cleanups: dict[int, Callable[[], None]] = {}
_lock = threading.Lock()
_leaving = threading.Lock()

WATCHED = (signal.SIGINT, signal.SIGTERM)
WATCHER_GRACE_S = 1.0
"""How long the watcher gives the main thread's handler before it leaves in its place."""


def register_cleanup(callback: Callable[[], None]) -> Callable[[], None]:
    """Run ``callback`` if the process is interrupted; returns a function that unregisters it."""
    with _lock:
        key = id(callback)
        _cleanups[key] = callback

    def unregister() -> None:
        _cleanups.pop(key, None)

    return unregister


def run_cleanups() -> None:
    with _lock:
        callbacks = list(_cleanups.values())
        _cleanups.clear()
    for callback in reversed(callbacks):
        try:
            callback()
        except Exception:  # noqa: BLE001 - we are exiting; one failed cleanup must not stop the others
            pass


def exit_on_signals(message: Callable[[], str]) -> None:
    """Install handlers for SIGINT and SIGTERM that print ``message()`` and exit (130 / 143).

    Call once, from the main thread. The first signal wins; a second one during the cleanup is ignored.
    """

    def leave(signum: int) -> None:
        if not _leaving.acquire(blocking=False):
            return  # already leaving (the handler and the watcher, or a second Ctrl-C)
        sys.stderr.write(f"\n{message()}\n")
        sys.stderr.flush()
        sys.stdout.flush()
        run_cleanups()
        os._exit(128 + signum)

    def handle(signum: int, frame: object) -> None:
        leave(signum)

    for signum in WATCHED:
        signal.signal(signum, handle)
    _watch_wakeup_fd(leave)


def _watch_wakeup_fd(leave: Callable[[int], None]) -> None:
    """Leave from a thread of our own when the main thread cannot run the handler (see above)."""
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)  # the C handler must never block
    signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
    watched = {int(signum) for signum in WATCHED}

    def watch() -> None:
        while chunk := os.read(read_end, 64):
            for signum in chunk:
                if signum in watched:
                    time.sleep(WATCHER_GRACE_S)
                    leave(signum)

    threading.Thread(target=watch, name="reflexion-signals", daemon=True).start()
