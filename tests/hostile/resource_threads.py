"""Start 2000 threads; succeed only if the limit lets them all run."""
# category: resource
# test: assert solve(1) == 2
import threading
import time


def solve(x):
    started = 0
    for _ in range(2000):
        try:
            threading.Thread(target=time.sleep, args=(60,), daemon=True).start()
        except RuntimeError:
            break
        started += 1
    return x + 1 if started == 2000 else x
