"""The Ray cluster a distributed bench runs on: ``RAY_ADDRESS`` names one to join; without it a local
one is started for the length of the bench and stops with it. Ray is the optional ``[ray]`` extra."""

from __future__ import annotations

import io
import logging
import os
import re
import signal
import socket
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

from reflexion.errors import SettingsError

RAY_HINT = "pip install -e '.[ray]'"
PROBE_S = 10.0  # Ray itself retries an unreachable address for minutes; a plain connect says so at once


def import_ray() -> ModuleType:
    """The ``ray`` module, or one clear line saying how to install it."""
    try:
        import ray
    except ImportError:
        raise SettingsError(f"--executor ray needs the [ray] extra: {RAY_HINT}") from None
    return ray


@contextmanager
def ray_cluster(address: str | None = None) -> Iterator[None]:
    """Connected to the cluster at ``address`` (default: ``RAY_ADDRESS``), or to a local one started
    now; an existing connection of this process (``ray.init`` called already) is used as it is."""
    ray = import_ray()
    if ray.is_initialized():
        yield
        return
    address = address or os.environ.get("RAY_ADDRESS") or None
    if address is not None and address != "auto":
        probe(address)
    # ray.init replaces the SIGTERM handler; the command line's own (say how to resume, exit) must stay.
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        # Held only when joining: a local instance's daemons would inherit the redirection.
        with _stderr_held(address is not None) as held:
            if address is None:  # "local": a new instance even if `ray start` left one on this machine
                ray.init(address="local", include_dashboard=False, logging_level=logging.WARNING, log_to_driver=False)
            else:
                ray.init(address=address, logging_level=logging.WARNING, log_to_driver=False)
    except (ConnectionError, RuntimeError, ValueError, ray.exceptions.RayError) as exc:
        raise SettingsError(_refusal(address, exc, held.getvalue())) from None
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
    sys.stderr.write(held.getvalue())  # it worked: whatever Ray had to say is shown after all
    try:
        yield
    finally:
        ray.shutdown()


def probe(address: str) -> None:
    """One clear line when nothing answers at ``address`` (``host:port`` or ``ray://host:port``)."""
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        raise SettingsError(f"RAY_ADDRESS={address!r} is not host:port (e.g. 10.0.0.5:6379, the head's `ray start --head --port`)")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=PROBE_S).close()
    except OSError as exc:
        raise SettingsError(
            f"cannot reach the Ray cluster at RAY_ADDRESS={address}: {exc.strerror or exc}; "
            "start its head (`ray start --head`), or unset RAY_ADDRESS to run on a local one"
        ) from None


@contextmanager
def _stderr_held(hold: bool = True) -> Iterator[io.StringIO]:
    """Hold what is written to file descriptor 2 (Ray's C++ core logs each failed connection attempt
    there, a line a second) until the block is over; the text is in the yielded buffer."""
    held = io.StringIO()
    if not hold:
        yield held
        return
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as capture:
        os.dup2(capture.fileno(), 2)
        try:
            yield held
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            held.write(capture.read().decode("utf-8", "replace"))


def _refusal(address: str | None, exc: BaseException, logged: str) -> str:
    where = f"RAY_ADDRESS={address}" if address else "a local Ray instance"
    lines = [re.sub(r"^\[[^]]*\] (\S+:\d+: )?", "", line).strip() for line in logged.splitlines() if line.strip()]
    reason = f" ({lines[-1]})" if lines else ""
    hint = "; give the driver the cluster's token: RAY_AUTH_MODE=token and RAY_AUTH_TOKEN" if "InvalidAuthToken" in logged else ""
    return f"cannot start or join {where}: {_first_line(exc)}{reason}{hint}"


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
