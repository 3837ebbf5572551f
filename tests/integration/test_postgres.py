"""The command line on a real, throwaway PostgreSQL server (``--db postgresql://...``): a run, a kill -9
and its resume, the thread list, one process per thread through an advisory lock, a bench that
resumes, and every way a database can be wrong (each one line, exit 2)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from drivers.cli import kill_cli_when
from drivers.postgres import Postgres
from reflexion.testing.openai_stub import OpenAIStub, Rule, Script, unused_port

pytestmark = pytest.mark.slow

RULES = [
    Rule("The first five primes are 2, 3, 5, 7, 11 and I counted 2 twice. Use each prime once.", model="stub-reflector"),
    Rule("2+3+5+7+11 = 28\nAnswer: 28", model="stub-actor", when="counted 2 twice"),
    Rule("3+5+7+11+2+2 = 30\nAnswer: 30", model="stub-actor"),
]


def reflexion(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reflexion.cli", *args], env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def env(postgres_url: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "REFLEXION_"))}
    return {**base, "REFLEXION_DB": postgres_url, "NO_COLOR": "1", "COLUMNS": "200"}


def test_a_run_killed_mid_model_call_resumes_from_postgres(env: dict[str, str]) -> None:
    slow = [Rule(RULES[1].reply, model="stub-actor", when="counted 2 twice", delay=30), RULES[0], RULES[2]]
    with OpenAIStub(Script(rules=slow)) as stub:
        env = {**env, **stub.client_env()}
        kill_cli_when(["run", "--task", "sum-primes", "--thread", "pg"], env, stub,
                      lambda requests: any("counted 2 twice" in r.prompt for r in requests))  # trial 2's actor call is in flight
        stub.script.rules[:] = RULES
        reflector_calls = sum(r.model == "stub-reflector" for r in stub.requests)
        result = reflexion("resume", "pg", env=env)
        assert result.returncode == 0, result.stderr
        assert "continuing at actor" in result.stdout and "solved after 2 trial(s)" in result.stdout
        assert sum(r.model == "stub-reflector" for r in stub.requests) == reflector_calls, "the reflection came from Postgres"
    listing = reflexion("history", "--list", env=env)
    assert listing.returncode == 0 and listing.stdout.split() == ["pg"]
    history = reflexion("history", "pg", env=env)
    assert "reflection: The first five primes" in history.stdout


def test_one_process_per_thread_through_an_advisory_lock(env: dict[str, str]) -> None:
    slow = [Rule("Answer: 30", model="stub-actor", delay=20), *RULES]
    with OpenAIStub(Script(rules=slow)) as stub:
        env = {**env, **stub.client_env()}
        first = subprocess.Popen([sys.executable, "-m", "reflexion.cli", "run", "--task", "sum-primes", "--thread", "one"],
                                 env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while not stub.requests:
                assert time.monotonic() < deadline and first.poll() is None
                time.sleep(0.1)
            second = reflexion("resume", "one", env=env)
            assert second.returncode == 2
            assert second.stderr.strip() == "error: thread 'one' is being run by another process right now; wait for it to finish"
            assert len(stub.requests) == 1, "the second process asked no model anything"
        finally:
            first.kill()
            first.wait()
        # The killed holder's connection is gone, and its lock with it.
        stub.script.rules[:] = RULES
        again = reflexion("resume", "one", env=env)
        assert again.returncode in (0, 1), again.stderr


def test_a_bench_on_postgres_resumes_after_a_kill(env: dict[str, str], tmp_path) -> None:
    def rules(delay: float) -> list[Rule]:
        return [Rule("I forgot February 29.", model="stub-reflector"),
                Rule("Answer: 366", model="stub-actor", when="February 29", delay=delay),
                Rule("Answer: 28", model="stub-actor", when="first five prime"),
                Rule("Answer: 365", model="stub-actor", when="leap year")]  # fmt: skip

    out = tmp_path / "qa.jsonl"
    args = ["bench", "builtin", "--domain", "qa", "--task", "sum-primes", "days-leap", "--max-trials", "2", "--out", str(out)]
    with OpenAIStub(Script(rules=rules(delay=30))) as stub:
        env = {**env, **stub.client_env()}
        # sum-primes is finished, days-leap is mid-call in trial 2
        kill_cli_when(args, env, stub, lambda requests: any("February 29" in r.prompt and r.model == "stub-actor" for r in requests))
        finished = [json.loads(line) for line in out.read_text().splitlines()]
        assert [r["task_id"] for r in finished] == ["sum-primes"]
        stub.script.rules[:] = rules(delay=0)
        before = len(stub.requests)
        done = reflexion(*args, env=env)
        assert done.returncode == 0, done.stderr
        rows = [json.loads(line) for line in out.read_text().splitlines()]
        assert sorted(r["task_id"] for r in rows) == ["days-leap", "sum-primes"] and all(r["passed"] for r in rows)
        again = [r for r in stub.requests[before:]]
        assert [r.model for r in again] == ["stub-actor"], "only the interrupted call is made again"
        assert "February 29" in again[0].prompt, "its reflection came from Postgres"
        calls = len(stub.requests)
        assert reflexion(*args, env=env).returncode == 0 and len(stub.requests) == calls, "a finished bench asks nothing again"


def test_every_bad_database_is_one_line_and_exit_2(env: dict[str, str], postgres: Postgres, postgres_url: str) -> None:
    postgres.sql("DROP ROLE IF EXISTS visitor")
    postgres.sql("CREATE ROLE visitor LOGIN PASSWORD 'visitor'")
    name = postgres_url.rsplit("/", 1)[1]
    postgres.sql(f"REVOKE ALL ON DATABASE {name} FROM PUBLIC")
    postgres.sql(f"GRANT CONNECT ON DATABASE {name} TO visitor")
    cases = {
        f"postgresql://reflexion:x@127.0.0.1:{unused_port()}/postgres": "cannot connect to the PostgreSQL database postgresql://reflexion:***@127.0.0.1:",
        postgres.url(password="wrong"): "password authentication failed",
        postgres.url(database="no_such_db"): 'database "no_such_db" does not exist',
        postgres.url(user="visitor", password="visitor", database=name): "cannot set up the checkpoint tables in postgresql://visitor:***@",
    }
    with OpenAIStub(Script(rules=RULES)) as stub:
        for url, message in cases.items():
            result = reflexion("run", "--task", "sum-primes", "--db", url, env={**env, **stub.client_env()})
            lines = [line for line in result.stderr.splitlines() if line.strip()]
            assert result.returncode == 2 and len(lines) == 1 and message in lines[0], (url, result.stderr)
            assert "wrong" not in lines[0] and "visitor:visitor" not in lines[0], "no password in the message"
        assert stub.requests == [], "no model was asked before the database was known to work"
