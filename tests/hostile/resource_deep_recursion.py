"""Recurse a hundred million frames deep with the recursion limit lifted."""
# category: resource
# test: assert solve(1) == 2
import sys

sys.setrecursionlimit(10**9)


def _down(n):
    return 0 if n == 0 else 1 + _down(n - 1)


def solve(x):
    return x + 1 if _down(10**8) == 10**8 else x
