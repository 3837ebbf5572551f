"""Leave processes behind: a double-forked setsid daemon, a plain child, both ignoring SIGTERM."""
# category: escape
# test: assert solve(1) == 2
import os
import signal
import sys


def _sleeper():
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(60)", "__TOKEN__"])


def _daemonize():
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            _sleeper()
        os._exit(0)


def solve(x):
    _daemonize()
    if os.fork() == 0:
        _sleeper()
    return x
