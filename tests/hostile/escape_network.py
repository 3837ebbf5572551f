"""Connect to a port the host listens on (loopback), and try to reach the outside world."""
# category: escape
# test: assert solve(1) == 2
# fallback: root
import socket


def _connected():
    for address in [("127.0.0.1", int("__PORT__")), ("8.8.8.8", 53), ("1.1.1.1", 443)]:
        try:
            with socket.create_connection(address, timeout=0.5):
                return True
        except OSError:
            continue
    return False


def solve(x):
    return x + 1 if _connected() else x
