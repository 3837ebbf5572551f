"""Attacks on the host: each one is contained and reported as a failure with its reason.

Every attack is the program under test; its test passes only if the attack succeeded.
"""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import pytest

from drivers.corpus import project_file

from .conftest import require_bubblewrap


def _failed(results, *, reason: str | None = None) -> bool:
    return all(not r.passed and r.reason and (reason is None or reason in r.reason) for r in results)


def _processes_of(uids: range) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        try:
            status = Path(f"/proc/{entry}/status").read_text()
        except (OSError, ValueError):
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if not fields.get("State", "").strip().startswith("Z") and int(fields["Uid"].split()[0]) in uids:
            found.append(int(entry))
    return found


def test_infinite_loop_times_out(sandbox):
    started = time.monotonic()
    results = sandbox.run_tests("def solve():\n    while True:\n        pass\n", ["assert solve() == 1"])
    assert _failed(results, reason="timeout after 2s")
    assert time.monotonic() - started < 10


def test_fork_bomb_is_capped_and_cleaned_up(sandbox):
    program = "import os\ndef solve():\n    while True:\n        try:\n            os.fork()\n        except OSError:\n            pass\n"
    assert _failed(sandbox.run_tests(program, ["assert solve() == 1"]), reason="timeout")
    if sandbox.separate_uid:
        assert _processes_of(sandbox.uid_block) == []


def test_process_limit_stops_a_crowd(sandbox):
    program = (
        "import os, time\ndef solve():\n    n = 0\n    for _ in range(200):\n        if os.fork() == 0:\n"
        "            time.sleep(30)\n            os._exit(0)\n        n += 1\n    return n\n"
    )
    [result] = sandbox.run_tests(program, ["assert solve() == 200"])
    assert _failed([result], reason="BlockingIOError")  # fork failed: resource temporarily unavailable


def test_memory_hog_hits_the_memory_limit(sandbox):
    program = "def solve():\n    return len(bytearray(8 << 30))\n"
    assert _failed(sandbox.run_tests(program, ["assert solve() > 0"]), reason="memory limit")


def test_huge_output_is_cut_and_killed(sandbox):
    program = "def solve():\n    while True:\n        print('x' * 10000)\n"
    [result] = sandbox.run_tests(program, ["solve()"])
    assert _failed([result], reason="output limit")
    assert len(result.output) <= 1 << 16
    run = sandbox.run("while True:\n    print('y' * 10000)\n")
    assert run.reason.startswith("killed: output limit") and run.output_truncated and len(run.stdout) <= 1 << 16


def test_big_file_hits_the_file_size_limit(sandbox):
    program = "def solve():\n    with open('big', 'wb') as f:\n        f.write(b'x' * (64 << 20))\n    return True\n"
    assert _failed(sandbox.run_tests(program, ["assert solve()"]), reason="File too large")


def test_cannot_write_outside_scratch(sandbox, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    outside.chmod(0o777)  # only isolation may keep the code out, not permissions
    targets = [str(outside / "x"), str(project_file().parent / "sandbox-was-here")]
    program = (
        "def solve(paths):\n    done = 0\n    for p in paths:\n        try:\n            open(p, 'w').write('x')\n"
        "            done += 1\n        except OSError:\n            pass\n    return done\n"
    )
    results = sandbox.run_tests(program, [f"assert solve({targets!r}) > 0"])
    if sandbox.isolation != "bubblewrap" and not sandbox.separate_uid:
        pytest.skip("the fallback without a uid of its own cannot keep code out of this user's files")
    if sandbox.isolation != "bubblewrap":
        targets = targets[1:]  # the fallback's own uid can still write world-writable places
    assert not any(Path(p).exists() for p in targets)
    if sandbox.isolation == "bubblewrap":
        assert _failed(results, reason="AssertionError")


def test_parent_environment_is_invisible(sandbox, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-fake-parent-key")
    program = "import os\ndef solve():\n    return os.environ.get('OPENAI_API_KEY') or str(os.environ)\n"
    [result] = sandbox.run_tests(program, ["assert 'sk-fake' in solve()"])
    assert _failed([result], reason="AssertionError")
    assert "sk-fake" not in sandbox.run("import os; print(os.environ)").stdout


def test_project_files_are_invisible(bwrap_sandbox):
    path = project_file()
    assert path.exists()
    program = f"import os\ndef solve():\n    return os.path.exists({str(path)!r}) or os.path.exists('/work') or os.path.exists('/root/.env')\n"
    assert _failed(bwrap_sandbox.run_tests(program, ["assert solve()"]), reason="AssertionError")
    run = bwrap_sandbox.run(f"print(open({str(path)!r}).read())")
    assert run.reason == f"FileNotFoundError: [Errno 2] No such file or directory: '{path}'"


def test_system_is_read_only(bwrap_sandbox):
    run = bwrap_sandbox.run("open('/usr/evil', 'w')")
    assert run.reason.startswith(("OSError: [Errno 30] Read-only file system", "PermissionError"))


def test_no_network(sandbox):
    if sandbox.isolation != "bubblewrap" and os.geteuid() != 0:
        pytest.skip("the fallback isolates the network only when started as root")
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.setblocking(False)
        port = server.getsockname()[1]
        program = f"import socket\ndef solve():\n    socket.create_connection(('127.0.0.1', {port}), timeout=1)\n    return True\n"
        [result] = sandbox.run_tests(program, ["assert solve()"])
        with pytest.raises(BlockingIOError):
            server.accept()
    # A private network namespace: loopback is empty (bubblewrap) or down (fallback).
    assert result.reason in ("ConnectionRefusedError: [Errno 111] Connection refused", "OSError: [Errno 101] Network is unreachable")


def test_no_process_outlives_the_run(sandbox):
    program = (
        "import os, sys, time\ndef solve():\n    if os.fork() == 0:\n        os.setsid()\n        if os.fork() == 0:\n"
        "            time.sleep(60)\n        os._exit(0)\n    return 1\n"
    )
    assert sandbox.run_tests(program, ["assert solve() == 1"])[0].passed
    if sandbox.separate_uid:
        assert _processes_of(sandbox.uid_block) == []
    else:
        require_bubblewrap()  # bubblewrap: the PID namespace died with the harness


def test_cannot_signal_outside(sandbox):
    import subprocess
    import sys

    if sandbox.isolation != "bubblewrap" and not sandbox.separate_uid:
        pytest.skip("the fallback without a uid of its own can signal this user's processes")
    victim = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        program = f"import os\ndef solve():\n    os.kill({victim.pid}, 9)\n    return True\n"
        assert _failed(sandbox.run_tests(program, ["assert solve()"]), reason="Error")
        assert victim.poll() is None
    finally:
        victim.kill()
        victim.wait()
