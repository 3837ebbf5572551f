"""Two ``reflexion`` processes on the same thread (``run --thread``, ``resume``) or the same bench
result file, started together: one runs to the correct end, the other stops at once with one line
and exit code 2, before asking any model anything; the thread and the result file are intact."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from drivers.killer import clean_env, thread_values
from reflexion.bench.source import bench_thread_id
from reflexion.testing.openai_stub import Fault, OpenAIStub, Rule, Script

pytestmark = pytest.mark.slow

LESSON = "The first five primes are 2, 3, 5, 7, 11 and I counted 2 twice. Use each prime once."
HOLD_S = 6.0  # the winner holds its lock at least this long, so the loser surely finds it taken
WRONG = "3+5+7+11+2+2 = 30\nAnswer: 30"
RIGHT = "2+3+5+7+11 = 28\nAnswer: 28"


def rules(*, hold_first: bool = False, hold_second: bool = False) -> list[Rule]:
    """sum-primes: wrong on trial 1, a lesson, right on trial 2 (the chosen trial's answer held back)."""
    return [
        Rule(LESSON, model="stub-reflector"),
        Rule(RIGHT, model="stub-actor", when="counted 2 twice", delay=HOLD_S if hold_second else 0.0),
        Rule(WRONG, model="stub-actor", when="sum of the first five prime", delay=HOLD_S if hold_first else 0.0),
        Rule("Answer: 0", model="stub-actor"),  # the other built-in questions (the bench's second task)
    ]


def start(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "reflexion.cli", *args], env=env, cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)  # fmt: skip


def race(args: list[str], env: dict[str, str], cwd: Path) -> tuple[subprocess.CompletedProcess[str], subprocess.CompletedProcess[str]]:
    """Start the same command twice at once; return (winner, loser) by exit code (the loser exits 2)."""
    procs = [start(args, env, cwd), start(args, env, cwd)]
    done: list[tuple[float, subprocess.CompletedProcess[str]]] = []
    started = time.monotonic()
    try:
        for proc in procs:
            out, err = proc.communicate(timeout=120)
            done.append((time.monotonic() - started, subprocess.CompletedProcess(proc.args, proc.returncode, out, err)))
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()
    (_, first), (_, second) = done
    winner, loser = (first, second) if second.returncode == 2 else (second, first)
    assert loser.returncode == 2, (first.stderr, second.stderr)
    assert winner.returncode in (0, 1), winner.stderr  # it ran: 0 solved, 1 failed
    assert "Traceback" not in winner.stderr + loser.stderr
    return winner, loser


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return clean_env(REFLEXION_DB=str(tmp_path / "runs.sqlite"), REFLEXION_MAX_RETRIES="0")


def test_two_runs_of_one_thread_one_runs_the_other_stops_at_once(env: dict[str, str], tmp_path: Path) -> None:
    with OpenAIStub(Script(rules=rules(hold_first=True))) as stub:
        winner, loser = race(["run", "--task", "sum-primes", "--thread", "shared"], {**env, **stub.client_env()}, tmp_path)
        models = [r.model for r in stub.requests]
    assert one_line(loser.stderr) == "error: thread 'shared' is being run by another process right now; wait for it to finish"
    assert winner.returncode == 0 and "solved after 2 trial(s)" in winner.stdout
    assert models == ["stub-actor", "stub-reflector", "stub-actor"]  # one run's calls, none from the other
    state = thread_values(tmp_path / "runs.sqlite", "shared")
    assert (state["outcome"], len(state["trials"]), state["reflections"]) == ("solved", 2, [LESSON])


def test_two_resumes_of_a_killed_thread_one_finishes_it_the_other_stops(env: dict[str, str], tmp_path: Path) -> None:
    script = Script(rules=rules(), faults=[Fault("hang", seconds=600, model="stub-actor", when="counted 2 twice")])
    with OpenAIStub(script) as stub:
        env = {**env, **stub.client_env()}
        killed = start(["run", "--task", "sum-primes", "--thread", "k"], env, tmp_path)
        try:
            deadline = time.monotonic() + 60
            while not any(r.fault == "hang" for r in stub.requests):  # trial 2's actor call is in flight
                assert time.monotonic() < deadline and killed.poll() is None, killed.communicate()
                time.sleep(0.05)
            killed.send_signal(signal.SIGKILL)
        finally:
            killed.kill()
            killed.communicate()
        script.faults.clear()
        script.rules[:] = rules(hold_second=True)
        before = len(stub.requests)
        winner, loser = race(["resume", "k"], env, tmp_path)
        models = [r.model for r in stub.requests[before:]]
    assert one_line(loser.stderr) == "error: thread 'k' is being run by another process right now; wait for it to finish"
    assert "continuing at actor" in winner.stdout and "solved after 2 trial(s)" in winner.stdout
    assert models == ["stub-actor"]  # trial 2's actor, asked once: the reflection was kept, not asked for again
    state = thread_values(tmp_path / "runs.sqlite", "k")
    assert (state["outcome"], len(state["trials"]), state["reflections"]) == ("solved", 2, [LESSON])


def test_two_benches_on_one_result_file_one_writes_it_the_other_stops(env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "qa.jsonl"
    args = ["bench", "builtin", "--domain", "qa", "--task", "sum-primes", "days-leap", "--max-trials", "2", "--out", str(out)]
    with OpenAIStub(Script(rules=rules(hold_first=True))) as stub:
        winner, loser = race(args, {**env, **stub.client_env()}, tmp_path)
        models = [r.model for r in stub.requests]
    assert one_line(loser.stderr) == (
        f"error: another `reflexion bench` is writing {out} right now; wait for it, or pass another --out"
    )
    assert winner.returncode == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    rows = {row["task_id"]: row for row in map(json.loads, lines)}
    assert len(lines) == len(rows) == 2
    primes, leap = rows["sum-primes"], rows["days-leap"]
    assert (primes["outcome"], primes["trials"], primes["reflections"]) == ("solved", 2, [LESSON])
    assert (leap["outcome"], leap["trials"], leap["reflections"]) == ("failed", 2, [LESSON])
    assert models.count("stub-actor") == 4 and models.count("stub-reflector") == 2  # one bench's calls only
    summary = json.loads(out.with_name("qa.summary.json").read_text(encoding="utf-8"))
    assert summary["pass_at_1_by_trial"] == [0.0, 0.5]
    for task in ("sum-primes", "days-leap"):
        assert thread_values(tmp_path / "runs.sqlite", bench_thread_id(out, task, "reflexion"))["outcome"] == rows[task]["outcome"]
