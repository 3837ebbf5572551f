"""The command line as the tests drive it: run ``reflexion ...`` in a child process, and kill it
with SIGKILL at a chosen moment of its conversation with the OpenAI stub."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence

from reflexion.testing.openai_stub import OpenAIStub, Request


def kill_cli_when(
    args: Sequence[str], env: dict[str, str], stub: OpenAIStub, moment: Callable[[list[Request]], bool], *, within_s: float = 60
) -> None:
    """Start ``reflexion ARGS``, wait until ``moment(stub.requests)`` holds (the call it names is in
    flight), then ``kill -9`` the process. Fails if the moment never comes or the process ends first."""
    proc = subprocess.Popen([sys.executable, "-m", "reflexion.cli", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        deadline = time.monotonic() + within_s
        while not moment(list(stub.requests)):
            assert proc.poll() is None, f"reflexion {' '.join(args)} ended before the moment: {proc.communicate()[1]}"
            assert time.monotonic() < deadline, f"the moment never came in {within_s:g} s"
            time.sleep(0.1)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
