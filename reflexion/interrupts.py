"""Ctrl-C and SIGTERM for the command line: say how to resume, stop child processes, exit now.

Unwinding normally would wait for the model call in flight (LangGraph's executor joins its worker
threads), which can take minutes. Nothing is lost by exiting at once: every finished step is already
committed (``durability="sync"``), file locks die with the process, and children registered here
(the local model server) are stopped first; sandboxed code dies with its parent (bubblewrap).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable

_cleanups: dict[int, Callable[[], None]] = {}
_lock = threading.Lock()


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
    """Install handlers for SIGINT and SIGTERM that print ``message()`` and exit (130 / 143)."""

    def handle(signum: int, frame: object) -> None:
        sys.stderr.write(f"\n{message()}\n")
        sys.stderr.flush()
        sys.stdout.flush()
        run_cleanups()
        os._exit(128 + signum)

    signal.signal(signal.SIGINT, handle)
    signal.signal(signal.SIGTERM, handle)
