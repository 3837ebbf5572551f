"""The ``reflexion`` command end to end: a real process, the real ChatOpenAI client, real HTTP to a
scripted local server. Checks progress output, exit codes, history, resume, kill and errors."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from drivers.cli import kill_cli_when
from reflexion.testing.openai_stub import OpenAIStub, Rule, Script, unused_port

# sum-primes (answer 28): wrong on trial 1, a lesson, right on trial 2.
RULES = [
    Rule("The first five primes are 2, 3, 5, 7, 11 and I counted 2 twice. Use each prime once.", model="stub-reflector"),
    Rule("2+3+5+7+11 = 28\nAnswer: 28", model="stub-actor", when="counted 2 twice"),
    Rule("3+5+7+11+2+2 = 30\nAnswer: 30", model="stub-actor"),
]


def reflexion(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reflexion.cli", *args], env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "REFLEXION_"))}
    return {**base, "REFLEXION_DB": str(tmp_path / "runs.sqlite"), "NO_COLOR": "1", "COLUMNS": "200"}


def test_run_shows_progress_then_history_shows_the_reflection(env):
    with OpenAIStub(Script(rules=RULES)) as stub:
        env = {**env, **stub.client_env()}
        result = reflexion("run", "--task", "sum-primes", "--thread", "demo", env=env)
        assert result.returncode == 0, result.stderr
        out = result.stdout
        assert "trial 1 · actor" in out and "trial 1 · evaluator" in out and "✗ failure" in out
        assert "trial 1 · reflect" in out and "counted 2 twice" in out
        assert "trial 2 · evaluator" in out and "✓ success" in out
        assert "solved after 2 trial(s)" in out
        assert {r.model for r in stub.requests} == {"stub-actor", "stub-reflector"}

        history = reflexion("history", "demo", env=env)
        assert history.returncode == 0, history.stderr
        assert "reflection: The first five primes" in history.stdout
        assert "trial 2 ✓" in history.stdout

        listing = reflexion("history", "--list", env=env)
        assert "demo" in listing.stdout
        points = reflexion("history", "demo", "--checkpoints", env=env)
        assert "reflect" in points.stdout and "(end)" in points.stdout

        again = reflexion("resume", "demo", env=env)
        assert again.returncode == 0 and "nothing to resume" in again.stdout

        clash = reflexion("run", "--task", "sum-primes", "--thread", "demo", env=env)
        assert clash.returncode == 2 and "thread 'demo' already exists; continue it with: reflexion resume demo" in clash.stderr


def test_killed_run_resumes_with_its_reflection(env):
    slow = [Rule(RULES[1].reply, model="stub-actor", when="counted 2 twice", delay=30), RULES[0], RULES[2]]
    with OpenAIStub(Script(rules=slow)) as stub:
        env = {**env, **stub.client_env()}
        kill_cli_when(["run", "--task", "sum-primes", "--thread", "k"], env, stub,
                      lambda requests: any("counted 2 twice" in r.prompt for r in requests), within_s=30)  # trial 2's actor call is in flight
        stub.script.rules[:] = RULES  # the endpoint answers quickly now
        result = reflexion("resume", "k", env=env)
    assert result.returncode == 0, result.stderr
    assert "continuing at actor" in result.stdout
    assert "trial 2 · evaluator" in result.stdout and "solved after 2 trial(s)" in result.stdout
    assert "reflection after trial 1: The first five primes" in result.stdout


def test_ctrl_c_prints_how_to_resume(env):
    slow = [Rule("...", model="stub-actor", delay=30)]
    with OpenAIStub(Script(rules=slow)) as stub:
        env = {**env, **stub.client_env()}
        proc = subprocess.Popen([sys.executable, "-m", "reflexion.cli", "run", "--thread", "c"], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        while not stub.requests:
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.1)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert "interrupted; resume with: reflexion resume c" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "--task", "nope"], "unknown task id 'nope'"),
        (["run", "--domain", "chess"], "unknown domain 'chess'"),
        (["run", "--max-trials", "0"], "max trials (--max-trials) must be a positive integer"),
        (["run", "--window", "0"], "memory window (--window) must be a positive integer"),
        (["resume", "ghost"], "no thread 'ghost'"),
        (["history", "ghost"], "no thread 'ghost'"),
        (["run", "--source", "/nonexistent.jsonl"], "task file not found"),
    ],
)
def test_bad_input_is_one_clear_line_and_a_nonzero_exit(env, args, message):
    with OpenAIStub(Script(rules=RULES)) as stub:
        if args[0] != "run":  # make the thread store exist
            reflexion("run", "--thread", "seed", env={**env, **stub.client_env()})
        result = reflexion(*args, env={**env, **stub.client_env()})
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_unreachable_endpoint_names_the_role_and_stays_resumable(env):
    env = {**env, "REFLEXION_BASE_URL": f"http://127.0.0.1:{unused_port()}/v1", "REFLEXION_API_KEY": "x", "REFLEXION_MAX_RETRIES": "0"}
    result = reflexion("run", "--thread", "u", env=env)
    assert result.returncode == 2
    assert "actor model at http://127.0.0.1:" in result.stderr and "Connection" in result.stderr
    assert "Traceback" not in result.stderr
    with OpenAIStub(Script(rules=RULES)) as stub:
        resumed = reflexion("resume", "u", env={**env, **stub.client_env()})
    assert resumed.returncode in (0, 1), resumed.stderr
    assert "continuing at actor" in resumed.stdout


def test_wrong_api_key_is_reported_with_http_401(env):
    from reflexion.testing.openai_stub import Fault

    with OpenAIStub(Script(rules=RULES, faults=[Fault("http", status=401)])) as stub:
        result = reflexion("run", "--thread", "k401", env={**env, **stub.client_env()})
    assert result.returncode == 2
    assert "actor model" in result.stderr and "HTTP 401" in result.stderr


def test_malformed_task_file_names_the_line(env, tmp_path):
    bad = tmp_path / "tasks.jsonl"
    bad.write_text('{"id": "a", "question": "q?", "answer": "1"}\n{"id": "b", "question": \n')
    with OpenAIStub(Script(rules=RULES)) as stub:
        result = reflexion("run", "--source", str(bad), env={**env, **stub.client_env()})
    assert result.returncode == 2
    assert f"{bad}:2: bad JSON" in result.stderr


def test_graph_prints_mermaid_and_ascii(env):
    result = reflexion("graph", env=env)
    assert result.returncode == 0
    assert "reflect -.-> actor" in result.stdout and "review --> actor" in result.stdout and "+--------+" in result.stdout


def test_graph_png_is_written_offline_and_xray_shows_the_react_subgraph(env, tmp_path):
    pytest.importorskip("pygraphviz", reason="the [png] extra")
    png = tmp_path / "loop.png"
    result = reflexion("graph", "--domain", "hotpotqa-react", "--xray", "--format", "mermaid", "--png", str(png), env=env)
    assert result.returncode == 0, result.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "actor\\3athink" in result.stdout and "reflect -.-> actor\\3a" in result.stdout


def test_a_reviewed_run_without_a_terminal_pauses_with_one_line_and_resumes_with_a_persons_lesson(env):
    mine = "Add each of the five primes once: 2, 3, 5, 7, 11."
    rules = [Rule("2+3+5+7+11 = 28\nAnswer: 28", model="stub-actor", when="each of the five primes once"), *RULES]
    with OpenAIStub(Script(rules=rules)) as stub:
        env = {**env, **stub.client_env()}
        paused = reflexion("run", "--task", "sum-primes", "--thread", "r", "--review-reflections", env=env)
        assert paused.returncode == 3, paused.stderr
        [line] = [line for line in paused.stderr.splitlines() if line.strip()]
        assert line.startswith("paused: trial 1 failed and its reflection waits for your review; continue with `reflexion resume r`")
        assert "--accept-reflection or --reflection TEXT" in line
        calls = len(stub.requests)

        again = reflexion("resume", "r", env=env)  # still no terminal: the same line, nothing asked of any model
        assert again.returncode == 3 and len(stub.requests) == calls

        done = reflexion("resume", "r", "--reflection", mine, env=env)
        assert done.returncode == 0, done.stderr
        assert "solved after 2 trial(s)" in done.stdout and "(written by a person)" in done.stdout
        history = reflexion("history", "r", env=env)
        assert f"reflection (written by a person): {mine}" in history.stdout


def test_a_reviewed_run_in_a_terminal_asks_and_enter_keeps_the_models_reflection(env):
    import pty

    with OpenAIStub(Script(rules=RULES)) as stub:
        env = {**env, **stub.client_env()}
        leader, follower = pty.openpty()
        proc = subprocess.Popen([sys.executable, "-m", "reflexion.cli", "run", "--task", "sum-primes", "--thread", "tty", "--review-reflections"],
                                env=env, stdin=follower, stdout=follower, stderr=follower, close_fds=True)  # fmt: skip
        os.close(follower)
        seen, deadline = b"", time.monotonic() + 60
        while b"Enter keeps it" not in seen and time.monotonic() < deadline:
            seen += os.read(leader, 4096)
        assert b"the model's reflection:" in seen and b"counted 2 twice" in seen
        os.write(leader, b"\n")
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                seen += os.read(leader, 4096)
            except OSError:
                break
        assert proc.wait(timeout=30) == 0, seen.decode(errors="replace")[-2000:]
        os.close(leader)
    text = re.sub(r"\x1b\[[0-9;]*m", "", seen.decode(errors="replace"))  # a terminal gets colours
    assert "solved after 2 trial(s)" in text and "written by a person" not in text
