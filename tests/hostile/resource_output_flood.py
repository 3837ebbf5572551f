"""Flood stdout and stderr."""
# category: resource
# test: assert solve(1) == 2
# expect: output limit
import sys


def solve(x):
    line = "y" * 4096 + "\n"
    while True:
        sys.stdout.write(line)
        sys.stderr.write(line)
