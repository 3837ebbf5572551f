"""Start 500 sleeping processes; succeed only if the process limit lets them all exist."""
# category: resource
# test: assert solve(1) == 2
import os
import time


def solve(x):
    started = 0
    for _ in range(500):
        try:
            pid = os.fork()
        except OSError:
            break
        if pid == 0:
            time.sleep(60)
            os._exit(0)
        started += 1
    return x + 1 if started == 500 else x
