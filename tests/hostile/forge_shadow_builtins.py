"""Define a module-level `abs` that the test's own `abs(...)` call then uses."""
# category: forgery
# test: assert abs(solve(1) - 2) < 0.5
# known-gap: program and test share one namespace, as in the official harnesses (MBPP has a task named `sum`)


def abs(value):
    return 0


def solve(x):
    return x
