"""Allocate 64 GB, in one block and in small pieces."""
# category: resource
# test: assert solve(1) == 2
# expect: memory


def solve(x):
    try:
        big = bytearray(64 << 30)
        return x + 1 if len(big) else x
    except MemoryError:
        pass
    hoard = []
    while True:
        hoard.append(bytearray(16 << 20))
