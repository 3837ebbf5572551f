"""Ignore SIGXCPU and SIGTERM, then spin in several threads."""
# category: resource
# test: assert solve(1) == 2
import signal
import threading

signal.signal(signal.SIGXCPU, signal.SIG_IGN)
signal.signal(signal.SIGTERM, signal.SIG_IGN)


def _spin():
    while True:
        pass


def solve(x):
    for _ in range(4):
        threading.Thread(target=_spin, daemon=True).start()
    _spin()
