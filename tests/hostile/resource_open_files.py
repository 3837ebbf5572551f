"""Open 100000 file descriptors; succeed only if the limit lets it."""
# category: resource
# test: assert solve(1) == 2
import os


def solve(x):
    opened = []
    try:
        for _ in range(100000):
            opened.append(os.open("/dev/null", os.O_RDONLY))
    except OSError:
        pass
    return x + 1 if len(opened) == 100000 else x
