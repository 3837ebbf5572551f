"""Exit 0 from atexit, from a hostile exception's __str__, and from a finalizer."""
# category: forgery
# test: assert solve(1) == 2
# test: assert solve(2) == 3
# test: assert solve(3) == 4
import atexit
import os

atexit.register(os._exit, 0)


class Trap(Exception):
    def __str__(self):
        os._exit(0)


class Bomb:
    def __del__(self):
        os._exit(0)

    def __repr__(self):
        os._exit(0)


def solve(x):
    if x == 1:
        raise Trap()
    if x == 2:
        return Bomb()
    return x
