"""LocalServer's process handling, with a tiny fake server instead of llama.cpp (no model, fast).

The fake runs through the real ``reflexion.local.child`` wrapper, so the parent watchdog, the
process group, the log file and the health check are the production ones.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest

from reflexion.errors import SettingsError
from reflexion.local import LocalServer, free_port
from reflexion.local.server import default_threads

FAKE_SERVER = """
    import http.server, json, subprocess, sys, time
    mode, port, model = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    # A grandchild, to prove that stopping takes down everything the server started.
    helper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    print(f"grandchild {helper.pid}", flush=True)
    if mode == "crash":
        print("error: cannot load the model file", flush=True)
        sys.exit(3)
    if mode == "hang":
        time.sleep(120)

    class Models(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            name = model if mode == "ok" else "someone-elses-model"
            body = json.dumps({"object": "list", "data": [{"id": name}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    http.server.HTTPServer(("127.0.0.1", port), Models).serve_forever()
"""


@pytest.fixture
def fake_server(tmp_path: Path) -> Path:
    script = tmp_path / "fake_server.py"
    script.write_text(textwrap.dedent(FAKE_SERVER))
    return script


class FakeServer(LocalServer):
    """LocalServer that runs the fake script (mode: ok, crash, hang, other) instead of llama.cpp."""

    def __init__(self, script: Path, mode: str = "ok", **options: float) -> None:
        super().__init__(script.with_name("fake-model.gguf"), **options)  # type: ignore[arg-type]
        self.script, self.mode = script, mode

    def command(self) -> list[str]:
        return [sys.executable, "-m", "reflexion.local.child", str(self.script), self.mode, str(self.port), self.model]


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting for a reaper counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def gone_within(pids: list[int], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any(alive(pid) for pid in pids):
            return True
        time.sleep(0.1)
    return False


def grandchild_in(text: str) -> int:
    found = re.search(r"grandchild (\d+)", text)
    assert found, f"the fake server did not report its grandchild: {text!r}"
    return int(found.group(1))


def wait_for_text(path: Path | None, pattern: str) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        text = path.read_text() if path is not None and path.exists() else ""
        if re.search(pattern, text):
            return text
        time.sleep(0.05)
    raise AssertionError(f"{pattern!r} never appeared in {path}")


def test_free_port_is_a_port_nobody_listens_on() -> None:
    port = free_port()
    assert 1024 <= port <= 65535
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))  # would raise if taken


def test_a_healthy_server_serves_its_url_until_the_block_ends(fake_server: Path) -> None:
    with FakeServer(fake_server) as server:
        assert server.base_url == f"http://127.0.0.1:{server.port}/v1"
        with urllib.request.urlopen(f"{server.base_url}/models", timeout=5) as reply:
            assert json.load(reply)["data"][0]["id"] == "fake-model"
        assert server.process is not None
        pids = [server.process.pid, grandchild_in(wait_for_text(server.log_path, r"grandchild \d+"))]
        log = server.log_path
    assert server.process is None
    assert gone_within(pids, 5), "server or its children outlived the with block"
    assert log is not None and not log.exists(), "a clean run leaves no log file behind"


def test_an_error_in_the_block_still_stops_everything(fake_server: Path) -> None:
    with pytest.raises(ValueError, match="boom"), FakeServer(fake_server) as server:
        assert server.process is not None
        pids = [server.process.pid, grandchild_in(wait_for_text(server.log_path, r"grandchild \d+"))]
        raise ValueError("boom")
    assert gone_within(pids, 5)


def test_a_server_that_never_answers_times_out_clearly_and_leaves_nothing(fake_server: Path) -> None:
    server = FakeServer(fake_server, "hang", startup_timeout_s=1.0)
    with pytest.raises(SettingsError, match=r"did not answer on http://127\.0\.0\.1:\d+/v1 within 1 s") as failure:
        server.start()
    assert server.process is None
    assert gone_within([grandchild_in(str(failure.value))], 5)
    assert server.log_path is not None and server.log_path.exists(), "the log is kept for diagnosis"
    server.log_path.unlink()


def test_a_server_that_exits_reports_the_tail_of_its_log(fake_server: Path) -> None:
    server = FakeServer(fake_server, "crash", startup_timeout_s=30)
    with pytest.raises(SettingsError, match=r"(?s)exited with code 3 while starting.*cannot load the model file") as failure:
        server.start()
    assert gone_within([grandchild_in(str(failure.value))], 5)
    assert server.log_path is not None
    server.log_path.unlink()


def test_another_model_on_the_port_is_not_taken_for_ours(fake_server: Path) -> None:
    server = FakeServer(fake_server, "other", startup_timeout_s=1.0)
    with pytest.raises(SettingsError, match="did not answer"):
        server.start()
    assert server.log_path is not None
    server.log_path.unlink()


PARENT = """
    import signal, sys, time
    sys.path.insert(0, {tests!r})
    from test_local_server import FakeServer
    from pathlib import Path

    signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal, even when started in the background
    try:
        with FakeServer(Path({script!r})) as server:
            print(f"server {{server.process.pid}} {{server.log_path}}", flush=True)
            time.sleep(120)
    except KeyboardInterrupt:
        sys.exit(130)
"""


def start_parent(script: Path, tmp_path: Path) -> tuple[subprocess.Popen[str], int, Path]:
    """A Python process that holds a FakeServer; its server's pid and log path."""
    code = textwrap.dedent(PARENT).format(tests=str(Path(__file__).parent), script=str(script))
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=tmp_path)
    assert parent.stdout is not None
    line = parent.stdout.readline().split()
    assert line and line[0] == "server", f"the parent did not start its server (exit {parent.poll()})"
    return parent, int(line[1]), Path(line[2])


@pytest.mark.parametrize(
    ("sig", "exit_code"),
    [(signal.SIGKILL, -signal.SIGKILL), (signal.SIGTERM, 128 + signal.SIGTERM), (signal.SIGINT, 130)],
    ids=["SIGKILL", "SIGTERM", "Ctrl-C"],
)
def test_the_server_dies_with_its_parent(fake_server: Path, tmp_path: Path, sig: signal.Signals, exit_code: int) -> None:
    parent, server_pid, log = start_parent(fake_server, tmp_path)
    try:
        grandchild = grandchild_in(wait_for_text(log, r"grandchild \d+"))
        parent.send_signal(sig)
        assert parent.wait(timeout=10) == exit_code
        assert gone_within([server_pid, grandchild], 5), f"the server outlived its parent ({sig.name})"
        assert not log.exists(), "the log goes with the server"
    finally:
        parent.kill()
        parent.wait()
        log.unlink(missing_ok=True)


WAITING_PARENT = """
    import sys
    sys.path.insert(0, {tests!r})
    from test_local_server import FakeServer
    from pathlib import Path
    from reflexion.interrupts import exit_on_signals

    exit_on_signals(lambda: "interrupted")  # as the real command line does (reflexion serve-local)
    with FakeServer(Path({script!r})) as server:
        print(f"server {{server.process.pid}} {{server.log_path}}", flush=True)
        server.wait()
"""


def test_ctrl_c_while_the_command_line_waits_on_the_server_stops_it_at_once(fake_server: Path, tmp_path: Path) -> None:
    # The signal handler stops the server from inside the wait: it must not wait for the lock that
    # the interrupted wait holds (it did, and the command hung until a second Ctrl-C).
    code = textwrap.dedent(WAITING_PARENT).format(tests=str(Path(__file__).parent), script=str(fake_server))
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        assert parent.stdout is not None
        line = parent.stdout.readline().split()
        assert line and line[0] == "server", f"the parent did not start its server (exit {parent.poll()})"
        time.sleep(0.5)  # inside server.wait()
        parent.send_signal(signal.SIGINT)
        assert parent.wait(timeout=15) == 130
        assert gone_within([int(line[1])], 5)
    finally:
        parent.kill()
        parent.wait()
        Path(line[2]).unlink(missing_ok=True) if line else None


def test_threads_default_to_half_the_cores_and_can_be_set() -> None:
    assert 1 <= default_threads({}) <= 4
    assert default_threads({"REFLEXION_LOCAL_THREADS": "3"}) == 3
    for bad in ("0", "-1", "two"):
        with pytest.raises(SettingsError, match="REFLEXION_LOCAL_THREADS must be a positive whole number"):
            default_threads({"REFLEXION_LOCAL_THREADS": bad})


BLOCKED_MAIN_THREAD = """
    import signal, sys, threading
    from reflexion.interrupts import exit_on_signals, register_cleanup

    exit_on_signals(lambda: "interrupted")  # as the real command line does
    register_cleanup(lambda: print("cleaned up", file=sys.stderr, flush=True))
    # The main thread sleeps in a lock wait with the signals blocked, so the kernel hands them to
    # another thread (as a bench's worker threads took them): Python's handler cannot run.
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGINT, signal.SIGTERM])
    threading.Thread(target=threading.Event().wait, daemon=True).start()
    print("waiting", flush=True)
    threading.Event().wait()
"""


@pytest.mark.parametrize(("sig", "exit_code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_taken_by_another_thread_still_stops_the_command_at_once(sig: signal.Signals, exit_code: int, tmp_path: Path) -> None:
    code = textwrap.dedent(BLOCKED_MAIN_THREAD)
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        assert parent.stdout is not None and parent.stdout.readline().strip() == "waiting"
        parent.send_signal(sig)
        assert parent.wait(timeout=15) == exit_code, f"{sig.name} was ignored while the main thread waited"
        assert parent.stderr is not None
        assert parent.stderr.read().split() == ["interrupted", "cleaned", "up"]
    finally:
        parent.kill()
        parent.wait()
