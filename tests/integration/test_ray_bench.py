"""``reflexion bench --executor ray`` on a real two-node Ray cluster on this machine (a head and one
more worker node, started with ``ray start``), against a throwaway PostgreSQL server and the OpenAI
stub: every result once, a worker killed mid model call (the task is run again by another worker
and resumes from its checkpoint, no finished model call repeated), a killed driver re-run, a local
cluster started by the bench itself, and the bad inputs (each one line, exit 2, nothing written)."""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from drivers.cli import kill_cli_when
from drivers.humaneval_script import HUMANEVAL_RULES
from drivers.processes import alive, all_processes
from drivers.ray_cluster import RayCluster, auth_env, local_ray_cluster
from reflexion.testing.openai_stub import Fault, OpenAIStub, Request, Rule, Script, unused_port

pytestmark = pytest.mark.slow

if importlib.util.find_spec("ray") is None:
    message = "Ray is not installed (the [ray] extra; make installs it)"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)  # CI installs it; a silent skip there would hide these tests
    pytest.skip(message, allow_module_level=True)

TASKS = ["sum-primes", "days-leap", "capital-au"]
HELD = "February 29"  # in days-leap's trial-2 actor prompt (its reflection): the call a test kills


def rules(delay: float = 0.0) -> list[Rule]:
    """days-leap is wrong, reflects, then right (that call held ``delay`` s); the others are right at once."""
    return [Rule("I forgot February 29.", model="stub-reflector"),
            Rule("Answer: 366", model="stub-actor", when=HELD, delay=delay),
            Rule("Answer: 28", model="stub-actor", when="first five prime"),
            Rule("Answer: 365", model="stub-actor", when="leap year"),
            Rule("Answer: Canberra", model="stub-actor", when="Australia")]  # fmt: skip


def held(requests: list[Request]) -> list[Request]:
    return [r for r in requests if r.model == "stub-actor" and HELD in r.prompt]


def base_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "REFLEXION_", "RAY_"))} | {"NO_COLOR": "1", "COLUMNS": "200"}


@pytest.fixture(scope="module")
def cluster() -> Iterator[RayCluster]:
    # The workers get an API key of their own and no endpoint: the endpoint comes with each task.
    with local_ray_cluster(base_env() | {"REFLEXION_API_KEY": "sk-worker"}, nodes=2) as running:
        yield running


def bench_args(out: Path) -> list[str]:
    return ["bench", "builtin", "--domain", "qa", "--task", *TASKS, "--max-trials", "2", "--out", str(out), "--executor", "ray"]


def reflexion(args: list[str], env: dict[str, str], timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reflexion.cli", *args], env=env, capture_output=True, text=True, timeout=timeout)


def rows(out: Path) -> list[dict]:
    return [json.loads(line) for line in out.read_text().splitlines()] if out.exists() else []


def wait_for(condition: Callable[[], bool], what: str, within_s: float = 90) -> None:
    deadline = time.monotonic() + within_s
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen in {within_s:g} s"
        time.sleep(0.1)


def assert_every_task_once_and_passed(out: Path) -> dict[str, dict]:
    found = rows(out)
    assert sorted(r["task_id"] for r in found) == sorted(TASKS), "every result exactly once"
    assert all(r["passed"] for r in found)
    by_id = {r["task_id"]: r for r in found}
    assert by_id["days-leap"]["reflections"] == ["I forgot February 29."] and by_id["days-leap"]["trials"] == 2
    return by_id


def test_a_killed_worker_is_replaced_and_its_task_resumes_from_its_checkpoint(cluster: RayCluster, postgres_url: str, tmp_path: Path) -> None:
    out = tmp_path / "qa.jsonl"
    with OpenAIStub(Script(rules=rules(delay=60))) as stub:
        env = base_env() | stub.client_env() | {"REFLEXION_DB": postgres_url} | cluster.env
        bench = subprocess.Popen([sys.executable, "-m", "reflexion.cli", *bench_args(out)], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
        try:
            wait_for(lambda: bool(held(stub.requests)), "days-leap's trial-2 actor call")
            [worker] = cluster.task_workers("days-leap")
            os.kill(worker.pid, signal.SIGKILL)  # mid model call
            stub.script.rules[:] = rules(delay=3)  # the retried call is held a little, to see who makes it
            wait_for(lambda: len(held(stub.requests)) == 2, "the retried call")
            [retried] = cluster.task_workers("days-leap")
            assert retried.pid != worker.pid and not alive(worker), "another worker process took the task over"
            stdout, stderr = bench.communicate(timeout=180)
        finally:
            bench.kill()
            bench.wait()
        assert bench.returncode == 0, stderr
        by_id = assert_every_task_once_and_passed(out)
        assert by_id["days-leap"]["resumed"], "the retried task continued the thread"
        asked = Counter((r.model, r.prompt) for r in stub.requests)
        repeated = {call: n for call, n in asked.items() if n > 1}
        assert list(repeated.values()) == [2] and HELD in next(iter(repeated))[1], "only the call in flight at the kill was made again"
        assert sum(model == "stub-reflector" for model, _ in asked.elements()) == 1, "the reflection came from the checkpoint"


def test_a_killed_driver_is_run_again_and_the_bench_resumes(cluster: RayCluster, postgres_url: str, tmp_path: Path) -> None:
    out = tmp_path / "qa.jsonl"
    with OpenAIStub(Script(rules=rules(delay=60))) as stub:
        env = base_env() | stub.client_env() | {"REFLEXION_DB": postgres_url} | cluster.env
        # The other two tasks are written; days-leap is mid-call in trial 2 when the driver dies.
        kill_cli_when(bench_args(out), env, stub, lambda requests: bool(held(requests)) and len(rows(out)) == 2, within_s=120)
        assert sorted(r["task_id"] for r in rows(out)) == ["capital-au", "sum-primes"]
        wait_for(lambda: not cluster.task_workers("days-leap"), "the dead driver's task stopping", within_s=60)
        stub.script.rules[:] = rules()
        before = len(stub.requests)
        done = reflexion(bench_args(out), env)
        assert done.returncode == 0, done.stderr
        by_id = assert_every_task_once_and_passed(out)
        assert by_id["days-leap"]["resumed"] and not by_id["sum-primes"]["resumed"]
        again = stub.requests[before:]
        assert [r.model for r in again] == ["stub-actor"] and HELD in again[0].prompt, "only the interrupted call is made again"
        calls = len(stub.requests)
        finished = reflexion(bench_args(out), env)
        assert finished.returncode == 0 and len(stub.requests) == calls, "a finished bench asks nothing again"
        assert len(rows(out)) == 3


def test_programming_tasks_run_their_sandboxed_tests_on_the_workers(cluster: RayCluster, postgres_url: str, tmp_path: Path) -> None:
    # The self-tests and the hidden tests run in each worker's sandbox; the rows are the local bench's
    # (tests/integration/test_bench.py runs the same script in one process).
    out = tmp_path / "he.jsonl"
    with OpenAIStub(Script(rules=HUMANEVAL_RULES)) as stub:
        env = base_env() | stub.client_env() | {"REFLEXION_DB": postgres_url} | cluster.env
        args = ["bench", "humaneval", "--task", "HumanEval/0", "HumanEval/1", "--max-trials", "3", "--out", str(out), "--executor", "ray"]
        result = reflexion(args, env)
    assert result.returncode == 0, result.stderr
    by_id = {row["task_id"]: row for row in rows(out)}
    assert sorted(by_id) == ["HumanEval/0", "HumanEval/1"], "every result exactly once"
    close, parens = by_id["HumanEval/0"], by_id["HumanEval/1"]
    assert (close["outcome"], close["passed_by_trial"], close["final"]["hidden_passed"]) == ("solved", [False, True], True)
    assert (parens["outcome"], parens["passed_by_trial"], parens["passed"]) == ("failed", [True, True, True], True)
    assert "Tests failed:" in close["verdicts"][0]["feedback"] and "output: False" in close["verdicts"][0]["feedback"]


def test_without_ray_address_the_bench_starts_a_local_cluster_and_stops_it(postgres_url: str, tmp_path: Path) -> None:
    out, log = tmp_path / "qa.jsonl", tmp_path / "bench.log"
    with OpenAIStub(Script(rules=rules())) as stub, log.open("w") as stderr:
        # A token of its own, so that Ray does not write one into the home folder.
        env = base_env() | stub.client_env() | {"REFLEXION_DB": postgres_url} | auth_env("local-test-token")
        bench = subprocess.Popen([sys.executable, "-m", "reflexion.cli", *bench_args(out)], env=env, stdout=subprocess.DEVNULL, stderr=stderr)
        # Ray names the instance's session folder after the driver's pid: that is how its processes are told apart.
        session, seen = f"_{bench.pid}/", set()
        while bench.poll() is None:
            seen |= {p for p in all_processes() if "ray" in p.cmdline and session in p.cmdline}
            time.sleep(0.2)
        assert bench.returncode == 0, log.read_text()
        assert_every_task_once_and_passed(out)
    assert any("raylet" in p.cmdline for p in seen), "the bench started a Ray instance of its own"
    wait_for(lambda: not [p for p in seen if alive(p)], "the local instance stopping", 30)


@pytest.mark.parametrize("case", ["Ray not installed", "RAY_ADDRESS unreachable", "a SQLite file"])
def test_each_bad_input_is_one_line_and_exit_2_with_nothing_written(case: str, postgres_url: str, tmp_path: Path) -> None:
    out = tmp_path / "qa.jsonl"
    with OpenAIStub(Script(rules=rules())) as stub:
        env = base_env() | stub.client_env() | {"REFLEXION_DB": postgres_url}
        command = [sys.executable, "-m", "reflexion.cli", *bench_args(out)]
        if case == "Ray not installed":  # `import ray` fails, as without the extra
            launcher = "import runpy, sys; sys.modules['ray'] = None; sys.argv[0] = 'reflexion'; runpy.run_module('reflexion.cli', run_name='__main__')"
            command = [sys.executable, "-c", launcher, *bench_args(out)]
            message = "error: --executor ray needs the [ray] extra: pip install -e '.[ray]'"
        elif case == "RAY_ADDRESS unreachable":
            env["RAY_ADDRESS"] = f"127.0.0.1:{unused_port()}"
            message = f"error: cannot reach the Ray cluster at RAY_ADDRESS={env['RAY_ADDRESS']}: Connection refused"
        else:
            env["REFLEXION_DB"] = str(tmp_path / "runs.sqlite")
            message = "error: --executor ray needs a PostgreSQL --db"
        started = time.monotonic()
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert result.returncode == 2 and len(lines) == 1 and lines[0].startswith(message), result.stderr
        assert result.stdout == "" and time.monotonic() - started < 30
        assert not list(tmp_path.iterdir()), "nothing written: no result file, no summary, no checkpoint file"
        assert stub.requests == []


def test_a_cluster_that_refuses_the_driver_is_one_line_and_exit_2(cluster: RayCluster, postgres_url: str, tmp_path: Path) -> None:
    out = tmp_path / "qa.jsonl"
    with OpenAIStub(Script(rules=rules())) as stub:
        env = base_env() | stub.client_env() | {"REFLEXION_DB": postgres_url, "RAY_ADDRESS": cluster.address, "RAY_AUTH_MODE": "disabled"}
        result = reflexion(bench_args(out), env, timeout=120)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert result.returncode == 2 and len(lines) == 1, result.stderr
        assert lines[0].startswith(f"error: cannot start or join RAY_ADDRESS={cluster.address}: ") and "Authentication" in lines[0]
        assert not out.exists() and stub.requests == []


def test_a_model_that_fails_for_good_stops_the_bench_with_one_line(cluster: RayCluster, postgres_url: str, tmp_path: Path) -> None:
    out = tmp_path / "qa.jsonl"
    with OpenAIStub(Script(rules=rules(), faults=[Fault("http", status=401, model="stub-reflector")])) as stub:
        env = base_env() | stub.client_env() | {"REFLEXION_DB": postgres_url, "REFLEXION_MAX_RETRIES": "0"} | cluster.env
        result = reflexion(bench_args(out), env)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert result.returncode == 2 and len(lines) == 1, result.stderr
        assert lines[0].startswith(f"error: reflector model at {stub.base_url} (stub-reflector) failed: HTTP 401")
        assert lines[0].endswith(f"finished tasks are saved in {out}; resume with: reflexion bench builtin --task {' '.join(TASKS)} "
                                 f"--domain qa --strategy reflexion --max-trials 2 --window 3 --executor ray --out {out}")  # fmt: skip
        assert "days-leap" not in {r["task_id"] for r in rows(out)}
        stub.script.faults.clear()
        assert reflexion(bench_args(out), env).returncode == 0
        assert_every_task_once_and_passed(out)
