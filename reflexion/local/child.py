"""Entry point of the server process: ``python -m reflexion.local.child TARGET ARGS...``.

It runs TARGET (``llama_cpp.server``, or a script path) in this process behind a watchdog that
exits as soon as the process that started it is gone, so a SIGKILLed run never leaves a model
server behind. (Linux's PR_SET_PDEATHSIG fires when the parent *thread* exits, which would kill the
server under notebooks and thread pools; watching ``getppid()`` follows the parent *process* and
works on macOS too.)
"""

from __future__ import annotations

import contextlib
import os
import runpy
import signal
import sys
import threading
import time

from reflexion.local.server import LOG_ENV, PARENT_PID_ENV

POLL_S = 0.25


def watch_parent(parent_pid: int, log: str | None) -> None:
    """Exit hard once this process is re-parented (its parent died, however it died)."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(POLL_S)
        if log:  # the parent would have removed it; nobody will read it now
            with contextlib.suppress(OSError):
                os.unlink(log)
        # Nothing to clean up (the server holds only memory and a socket). When we lead our own
        # process group, as LocalServer arranges, take anything we started down with us.
        if os.getpgrp() == os.getpid():
            os.killpg(os.getpid(), signal.SIGKILL)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


def main(argv: list[str]) -> None:
    target, *args = argv
    parent = os.environ.get(PARENT_PID_ENV)
    if parent:
        watch_parent(int(parent), os.environ.get(LOG_ENV))
    sys.argv = [target, *args]
    if target == "llama_cpp.server":
        from reflexion.local.compat import accept_max_completion_tokens, no_extra_buffer_types

        accept_max_completion_tokens()
        no_extra_buffer_types()
    if target.endswith(".py"):
        runpy.run_path(target, run_name="__main__")
    else:
        runpy.run_module(target, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
