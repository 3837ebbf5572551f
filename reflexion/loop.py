"""The event loop behind the synchronous API: one per process, in a daemon thread of its own.

``run_bench`` and other synchronous entry points run their coroutines here rather than on a new
loop per call, for two reasons: LangChain's OpenAI client keeps one async HTTP client per endpoint
for the whole process, whose pooled keep-alive connections belong to the loop that opened them (a
second loop would find them dead: "Event loop is closed"); and a caller that already runs a loop
(a notebook cell) can still call the synchronous API. Ctrl-C in the calling thread cancels the
coroutine and waits for it to unwind (each thread stays at its last checkpoint); a
``KeyboardInterrupt`` or ``SystemExit`` raised inside it (asyncio lets those escape the loop) keeps
the loop running and reaches the caller.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

_MIN_WORKERS = 8
_CANCEL_WAIT_S = 30.0  # how long Ctrl-C waits for the cancelled coroutine to unwind


class _Loop:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.workers = 0
        threading.Thread(target=self._serve, name="reflexion-loop", daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                self.loop.run_forever()
                return
            except (KeyboardInterrupt, SystemExit):
                continue  # its task has it as its exception: it travels up to run_sync's caller

    def widen(self, workers: int) -> None:
        """The loop's default executor (``asyncio.to_thread``: synchronous domains, the sandbox)
        with at least ``workers`` threads: bounded, and wide enough for the tasks running at once."""
        if workers > self.workers:
            old = getattr(self.loop, "_default_executor", None)
            self.loop.set_default_executor(ThreadPoolExecutor(workers, thread_name_prefix="reflexion-worker"))
            self.workers = workers
            if old is not None:
                old.shutdown(wait=False)


_shared: _Loop | None = None
_lock = threading.Lock()


def run_sync(coro: Coroutine[Any, Any, T], *, workers: int = _MIN_WORKERS) -> T:
    """Run ``coro`` on the process's loop and wait for its result (from any thread but that loop's)."""
    global _shared
    with _lock:
        if _shared is None:
            _shared = _Loop()
        _shared.widen(max(workers, _MIN_WORKERS))
        loop = _shared.loop
    running: list[asyncio.Task[Any]] = []
    finished = threading.Event()

    async def main() -> T:
        running.append(asyncio.current_task())  # type: ignore[arg-type]  # always inside a task here
        try:
            return await coro
        finally:
            finished.set()

    future = asyncio.run_coroutine_threadsafe(main(), loop)
    try:
        return future.result()
    except (KeyboardInterrupt, SystemExit):
        if running:
            loop.call_soon_threadsafe(running[0].cancel)
        finished.wait(_CANCEL_WAIT_S)
        raise
