"""A Ray cluster of a head and more worker nodes on this machine, for the tests: each node started by
``ray start`` (one CPU, no dashboard, a small object store) in a scratch folder, each in a process
group of its own, and stopped by killing those groups (never ``ray stop``: it stops every Ray
instance on the machine, other people's included).

The cluster uses Ray's token authentication (the default from Ray 2.61 on): every node and every
driver gets ``RAY_AUTH_MODE=token`` and the cluster's ``RAY_AUTH_TOKEN`` (:attr:`RayCluster.env`), so
no token file in the home folder is read or written.

A worker that runs a bench task has the process title ``ray::bench:<task id>`` (the task's name),
so :meth:`RayCluster.task_workers` finds it the way ``ps`` would.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from drivers.processes import Proc, all_processes
from reflexion.testing.openai_stub import unused_port

OBJECT_STORE_BYTES = 80 * 2**20  # Ray's floor is about 75 MiB; bench tasks pass a few kilobytes


@dataclass(frozen=True)
class RayCluster:
    address: str  # what RAY_ADDRESS takes: the head's host:port
    token: str
    groups: tuple[int, ...]  # the process group of each node's daemons

    @property
    def env(self) -> dict[str, str]:
        """What a driver needs to join: the address and the token."""
        return {"RAY_ADDRESS": self.address, **auth_env(self.token)}

    def task_workers(self, task_id: str) -> list[Proc]:
        """The living worker processes running the bench task ``task_id`` right now."""
        title = f"ray::bench:{task_id}"
        return [proc for proc in all_processes() if proc.argv[:1] == (title,)]


def auth_env(token: str) -> dict[str, str]:
    return {"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": token}


def ray_bin() -> Path:
    return Path(sys.executable).parent / "ray"


@contextmanager
def local_ray_cluster(env: dict[str, str], *, nodes: int = 2) -> Iterator[RayCluster]:
    """Start the head and ``nodes - 1`` more nodes, with ``env`` (what their workers see)."""
    work = Path(tempfile.mkdtemp(prefix="rt-", dir="/tmp"))  # short: Ray's unix sockets live below it
    port = unused_port()
    node = ["--num-cpus", "1", "--object-store-memory", str(OBJECT_STORE_BYTES), "--disable-usage-stats"]
    token = secrets.token_hex(16)
    env = {**env, **auth_env(token), "RAY_USAGE_STATS_ENABLED": "0"}
    groups: list[int] = []

    def start(*args: str) -> None:
        # A session of its own: the daemons `ray start` leaves behind keep its process group.
        proc = subprocess.Popen([str(ray_bin()), "start", *args, *node], env=env, start_new_session=True,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
        groups.append(proc.pid)
        output, _ = proc.communicate(timeout=240)
        if proc.returncode != 0:
            raise RuntimeError(f"ray start {' '.join(args)} failed:\n{output[-3000:]}")

    try:
        start("--head", "--port", str(port), "--node-ip-address", "127.0.0.1", "--include-dashboard=false", "--temp-dir", str(work))
        for _ in range(nodes - 1):
            start("--address", f"127.0.0.1:{port}")
        yield RayCluster(address=f"127.0.0.1:{port}", token=token, groups=tuple(groups))
    finally:
        for group in groups:
            try:
                os.killpg(group, signal.SIGKILL)
            except ProcessLookupError:
                pass
        shutil.rmtree(work, ignore_errors=True)
