"""``reflexion bench`` killed (SIGKILL) or interrupted (Ctrl-C) at chosen moments, then finished by
the same command: the result file must end exactly as an uninterrupted run's, and nothing the killed
process started may be left running. The scenarios live in ``drivers.killer`` (shared with
``bench/reliability.py``); the stub server is a process of its own, so it outlives the bench."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from drivers.killer import (
    ENTRY_POINTS,
    KILL_POINTS,
    LESSON_CLOSE,
    LESSON_MAD_1,
    LESSON_MAD_2,
    REFLECTOR,
    BenchDir,
    Reference,
    bench_script,
    check_result_file,
    clean_env,
    faults_for,
    input_only_scenario,
    kill,
    kill_scenario,
    kill_waits,
    reference_run,
    rewind_to_input,
    stop,
    thread_values,
    wait_until,
)
from drivers.processes import descendants, survivors
from reflexion.testing.openai_stub import OpenAIStub, OpenAIStubProcess, Rule, Script

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    return reference_run(tmp_path_factory.mktemp("reference"))


def test_the_uninterrupted_run_is_the_scripted_one(reference: Reference) -> None:
    rows = reference.rows
    close, truncate, mad = rows["HumanEval/0"], rows["HumanEval/2"], rows["HumanEval/4"]
    assert (close["outcome"], close["trials"], close["reflections"], close["final"]) == (
        "solved", 2, [LESSON_CLOSE], {"hidden_passed": True, "reason": "passed"})  # fmt: skip
    assert [v["success"] for v in close["verdicts"]] == [False, True]
    assert (truncate["outcome"], truncate["trials"], truncate["reflections"], truncate["passed"]) == ("solved", 1, [], True)
    assert (mad["outcome"], mad["trials"], mad["reflections"], mad["passed"]) == ("failed", 3, [LESSON_MAD_1, LESSON_MAD_2], False)
    assert not any(row["resumed"] for row in rows.values())


@pytest.mark.parametrize("point", KILL_POINTS)
def test_a_killed_bench_is_finished_by_the_same_command_as_if_never_killed(point: str, reference: Reference, tmp_path: Path) -> None:
    scenario = kill_scenario(point, tmp_path, reference, seed=7)
    assert scenario.kills, f"the bench was never killed at {point}"
    assert scenario.problems == []
    first, requests = scenario.kills[0], scenario.requests
    after = [r for r in requests if r.at > first.at]
    close_after = [r for r in after if ENTRY_POINTS["HumanEval/0"] in r.prompt]

    if point == "model call":  # the reflection was in flight: asked again, once; nothing answered before is asked again
        assert first.reflections["HumanEval/0"] == [] and first.trials["HumanEval/0"] == 1
        assert [r.model for r in close_after].count(REFLECTOR) == 1
        answered = {(r.model, r.prompt) for r in requests if r.at < first.at and r.status == 200 and r.fault is None}
        assert not answered & {(r.model, r.prompt) for r in after}
    elif point == "sandbox":  # killed while the harness ran trial 1's self-tests
        assert first.sandbox_seen and first.left == [] and first.trials["HumanEval/0"] == 0
    elif point == "between trials":  # the reflection was written: it is kept, and never asked for again
        assert first.reflections["HumanEval/0"] == [LESSON_CLOSE] and first.trials["HumanEval/0"] == 1
        assert REFLECTOR not in [r.model for r in close_after]


@pytest.mark.parametrize("moment", ["sandbox", "model call"])
def test_ctrl_c_exits_130_with_the_command_that_resumes_and_leaves_no_process(moment: str, reference: Reference, tmp_path: Path) -> None:
    with OpenAIStubProcess(bench_script(*faults_for(moment)), requests_log=tmp_path / "requests.jsonl") as stub:
        bench = BenchDir(tmp_path, stub)
        proc = bench.start()
        try:
            assert kill_waits(moment, bench)[0](proc), f"the bench never reached the {moment}"
            stopped = kill(bench, proc, signal.SIGINT, group=True)  # as a terminal's Ctrl-C: the whole process group
        finally:
            stop(proc)
        assert stopped.returncode == 130
        lines = [line for line in stopped.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("interrupted; resume with: reflexion bench humaneval --task ")
        assert stopped.left == []  # mid sandbox: bubblewrap and the harness; mid model call there is none
        assert stopped.sandbox_seen == (moment == "sandbox")

        hint = shlex.split(lines[0].split("resume with: ", 1)[1])
        assert hint[0] == "reflexion"
        resumed = subprocess.run([sys.executable, "-m", "reflexion.cli", *hint[1:]], env=bench.env(), cwd=tmp_path,
                                 capture_output=True, text=True, timeout=180)  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr
    assert check_result_file(bench.out, reference.rows, complete=True) == []


def test_ctrl_c_stops_the_embedded_model_server(tmp_path: Path) -> None:
    pytest.importorskip("llama_cpp")
    from reflexion.local import find_gguf

    try:
        find_gguf()
    except Exception as exc:  # noqa: BLE001 - no bundled model here: nothing to test
        pytest.skip(f"no embedded model: {exc}")
    env = clean_env(REFLEXION_DB=str(tmp_path / "runs.sqlite"))  # no endpoint at all: the embedded model starts
    with open(tmp_path / "out", "wb") as out, open(tmp_path / "err", "wb") as err:
        # A question the 135M model gets wrong, with trials to spare: the run outlasts the server's start-up.
        proc = subprocess.Popen([sys.executable, "-m", "reflexion.cli", "run", "--domain", "qa", "--task", "legs", "--max-trials", "5", "--thread", "embedded"],
                                env=env, cwd=tmp_path, stdout=out, stderr=err, stdin=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
    try:
        serving = lambda: any(p.is_local_model and _answers(p.argv) for p in descendants(proc.pid))  # noqa: E731
        assert wait_until(serving, proc, timeout=240, poll_s=0.1), (tmp_path / "err").read_text()
        tree = descendants(proc.pid)
        (server,) = [p for p in tree if p.is_local_model]
        log = os.readlink(f"/proc/{server.pid}/fd/1")  # the server's log file
        os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C
        code = proc.wait(timeout=30)
    finally:
        stop(proc)
    assert code == 130
    assert "interrupted; resume with: reflexion resume embedded" in (tmp_path / "err").read_text()
    assert survivors(tree, within_s=5) == []
    assert not os.path.exists(log)


# A SIGKILL between a thread's first two commits (its input saved, not yet applied) leaves a thread
# that holds only ``__start__``. The random and writing-results kills above land there now and then;
# these two tests put a thread in that state on purpose: the bench starts it again, `resume` runs it.


def test_a_bench_task_killed_before_its_first_step_is_run_again(reference: Reference, tmp_path: Path) -> None:
    scenario = input_only_scenario(tmp_path, reference)
    assert scenario.kills and scenario.kills[0].unapplied == {"HumanEval/4"}
    assert scenario.problems == []


SUM_PRIMES = [
    Rule("I counted 2 twice; use each prime once.", model="stub-reflector"),
    Rule("Answer: 28", model="stub-actor", when="counted 2 twice"),
    Rule("Answer: 30", model="stub-actor"),
]


def test_a_run_killed_before_its_first_step_is_resumed(tmp_path: Path) -> None:
    db = tmp_path / "runs.sqlite"
    with OpenAIStub(Script(rules=SUM_PRIMES)) as stub:
        env = clean_env(REFLEXION_DB=str(db), **stub.client_env())
        reflexion = lambda *args: subprocess.run([sys.executable, "-m", "reflexion.cli", *args], env=env, cwd=tmp_path,  # noqa: E731
                                                 capture_output=True, text=True, timeout=120)  # fmt: skip
        assert reflexion("run", "--task", "sum-primes", "--thread", "t").returncode == 0
        rewind_to_input(db, "t")
        history = reflexion("history", "t")
        assert history.returncode in (0, 2) and "Traceback" not in history.stderr, history.stderr[-2000:]
        resumed = reflexion("resume", "t")
        if resumed.returncode != 0:  # or: one line saying to start it again, and that works
            assert resumed.returncode == 2 and "Traceback" not in resumed.stderr, resumed.stderr[-2000:]
            assert len(resumed.stderr.strip().splitlines()) == 1 and "reflexion run" in resumed.stderr
            again = reflexion("run", "--task", "sum-primes", "--thread", "t")
            assert again.returncode == 0, again.stdout + again.stderr[-2000:]
    state = thread_values(db, "t")
    assert (state["outcome"], len(state["trials"]), state["reflections"]) == ("solved", 2, [SUM_PRIMES[0].reply])



def _answers(argv: tuple[str, ...]) -> bool:
    """Whether the server started with ``argv`` answers on its port."""
    try:
        port = argv[argv.index("--port") + 1]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=1) as reply:
            return reply.status == 200
    except (ValueError, IndexError, OSError):
        return False
