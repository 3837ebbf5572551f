"""Spin forever."""
# category: resource
# test: assert solve(1) == 2
# expect: timeout


def solve(x):
    while True:
        x += 1
