"""Kill a running ``reflexion bench`` at chosen moments, re-run the same command, and check that it
ends exactly as an uninterrupted run does.

The bench runs three HumanEval tasks (``--max-trials 3``) as a separate process against the scripted
stub server, itself a separate process so that it outlives the bench's death:

- HumanEval/0 fails its self-tests on trial 1 (one of them runs slowly: the window for a kill mid
  sandbox execution), gets a reflection, and passes on trial 2;
- HumanEval/2 passes on trial 1;
- HumanEval/4 fails all three trials, with two reflections, and fails its hidden tests.

Kill points (``KILL_POINTS``):

- ``model call``: the reflector's call for HumanEval/0 hangs (a stub fault that fires once); SIGKILL
  once the stub has it;
- ``sandbox``: SIGKILL while the sandbox harness runs HumanEval/0's first implementation;
- ``between trials``: SIGKILL once HumanEval/0's reflection is in the checkpoint file and its
  trial-2 actor call (held by the stub, once) has arrived: the next trial has not produced anything;
- ``writing results``: SIGKILL 0-40 ms after a task's thread has ended, the window in which its
  hidden tests run and its result line is appended (once per run, up to three runs);
- ``random``: SIGKILL at random moments after the run's first model call (up to four runs).

Plus ``input_only_scenario``: the state a kill between a thread's first two commits leaves (its
input saved, not applied; a window of milliseconds), made on purpose by cutting a thread back.

After each kill: no process of the killed bench is left (bubblewrap's ``--die-with-parent``); the
result file holds only whole, distinct lines equal to the reference run's; every reflection in
the checkpoint file is one the reference run wrote, in order. After the final run: the same rows as
the reference (task ids, outcomes, per-trial verdicts, candidates, reflections, hidden results,
token usage); no finished task asked the model anything after the kill; ``resumed`` set exactly for
the tasks whose thread an earlier run had started.

Used by ``tests/integration/test_kill_resume.py`` and ``bench/reliability.py``.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drivers.processes import Proc, descendants, survivors
from reflexion.bench.results import ResultRow, read_rows
from reflexion.bench.source import bench_thread_id
from reflexion.testing.openai_stub import STUB_MODELS, Fault, OpenAIStubProcess, Request, Rule, Script

ACTOR, EVALUATOR, REFLECTOR = STUB_MODELS["actor"], STUB_MODELS["evaluator"], STUB_MODELS["reflector"]
TASK_IDS = ("HumanEval/0", "HumanEval/2", "HumanEval/4")
ENTRY_POINTS = {"HumanEval/0": "has_close_elements", "HumanEval/2": "truncate_number", "HumanEval/4": "mean_absolute_deviation"}
MAX_TRIALS = 3
STRATEGY = "reflexion"
SLOW_TEST_S = 1.5  # how long HumanEval/0's first implementation takes on one of its self-tests
KILL_POINTS = ("model call", "sandbox", "between trials", "writing results", "random")
VOLATILE = ("thread_id", "wall_s", "resumed")  # row fields that differ between any two runs by design
RUN_TIMEOUT_S = 180.0  # one bench process, start to end, on a loaded machine


def _code(body: str) -> str:
    return f"```python\n{body.strip()}\n```"


CLOSE_SLOW_WRONG = _code(f"""
import time


def has_close_elements(numbers, threshold):
    if numbers == [1.0, 2.0, 3.0]:
        time.sleep({SLOW_TEST_S})
    return False
""")
CLOSE_RIGHT = _code("""
def has_close_elements(numbers, threshold):
    return any(abs(a - b) < threshold for i, a in enumerate(numbers) for b in numbers[i + 1:])
""")
TRUNCATE_RIGHT = _code("""
def truncate_number(number):
    return number % 1.0
""")
MAD_WRONG = _code("""
def mean_absolute_deviation(numbers):
    return max(numbers) - min(numbers)
""")
LESSON_CLOSE = "Lesson A: I never compared the numbers; compare every pair against the threshold."
LESSON_MAD_1 = "Lesson C1: I returned the range; the deviation is measured from the mean."
LESSON_MAD_2 = "Lesson C2: still the range; compute the mean first, then average the distances to it."


def bench_script(*faults: Fault) -> Script:
    """The stub's replies for the three tasks (first matching rule wins), plus ``faults``."""
    rules = [
        Rule("assert has_close_elements([1.0, 2.0, 3.0], 0.5) == False\n"
             "assert has_close_elements([1.0, 2.8, 3.0, 4.0, 5.0, 2.0], 0.3) == True", model=EVALUATOR, when="def has_close_elements"),
        Rule("assert truncate_number(3.5) == 0.5\nassert truncate_number(1.25) == 0.25", model=EVALUATOR, when="def truncate_number"),
        Rule("assert mean_absolute_deviation([1.0, 2.0, 3.0, 4.0]) == 1.0", model=EVALUATOR, when="def mean_absolute_deviation"),
        Rule(LESSON_CLOSE, model=REFLECTOR, when="def has_close_elements"),
        Rule(LESSON_MAD_2, model=REFLECTOR, when="Lesson C1"),
        Rule(LESSON_MAD_1, model=REFLECTOR, when="def mean_absolute_deviation"),
        Rule(CLOSE_RIGHT, model=ACTOR, when="Lesson A"),
        Rule(CLOSE_SLOW_WRONG, model=ACTOR, when="def has_close_elements"),
        Rule(TRUNCATE_RIGHT, model=ACTOR, when="def truncate_number"),
        Rule(MAD_WRONG, model=ACTOR, when="def mean_absolute_deviation"),
    ]  # fmt: skip
    return Script(rules=rules, faults=list(faults))


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without any model or project setting, plus ``extra``."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "REFLEXION_"))}
    return {**base, "NO_COLOR": "1", "COLUMNS": "200", **extra}


@dataclass(frozen=True)
class Finished:
    """How one bench process ended."""

    returncode: int | None  # None: it was still running at its deadline (and was killed)
    stdout: str
    stderr: str


@dataclass
class BenchDir:
    """One result file and one checkpoint file, run by ``reflexion bench`` processes against one stub."""

    root: Path
    stub: OpenAIStubProcess
    tasks: tuple[str, ...] = TASK_IDS
    runs: int = 0

    @property
    def out(self) -> Path:
        return self.root / "results.jsonl"

    @property
    def db(self) -> Path:
        return self.root / "runs.sqlite"

    def command(self) -> list[str]:
        return [sys.executable, "-m", "reflexion.cli", "bench", "humaneval", "--task", *self.tasks,
                "--max-trials", str(MAX_TRIALS), "--strategy", STRATEGY, "--out", str(self.out), "--db", str(self.db)]  # fmt: skip

    def env(self) -> dict[str, str]:
        return clean_env(**self.stub.client_env())

    def start(self) -> subprocess.Popen[bytes]:
        """Start the bench in a session of its own (a signal to its group is a terminal's Ctrl-C)."""
        self.runs += 1
        log = self.root / f"run-{self.runs}"
        with open(f"{log}.out", "wb") as out, open(f"{log}.err", "wb") as err:
            return subprocess.Popen(self.command(), env=self.env(), cwd=self.root, stdout=out, stderr=err,
                                    stdin=subprocess.DEVNULL, start_new_session=True)  # fmt: skip

    def output(self) -> tuple[str, str]:
        """The last run's stdout and stderr."""
        log = self.root / f"run-{self.runs}"
        return (Path(f"{log}.out").read_text(errors="replace"), Path(f"{log}.err").read_text(errors="replace"))

    def run(self, timeout: float = RUN_TIMEOUT_S) -> Finished:
        """Run the bench command to its end."""
        proc = self.start()
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            code = None
        finally:
            stop(proc)
        return Finished(code, *self.output())

    def rows(self) -> list[ResultRow]:
        return read_rows(self.out)

    def thread_id(self, task_id: str) -> str:
        return bench_thread_id(self.out, task_id, STRATEGY)

    def thread_values(self, task_id: str) -> dict[str, Any]:
        return thread_values(self.db, self.thread_id(task_id))

    def requests(self) -> list[Request]:
        return self.stub.requests()


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the process if it still runs, and reap it."""
    if proc.poll() is None:
        proc.kill()
    proc.wait()


def thread_values(db: Path, thread_id: str) -> dict[str, Any]:
    """The newest state of a thread in a checkpoint file another process is writing ({} if none yet)."""
    from langgraph.checkpoint.sqlite import SqliteSaver

    from reflexion.runner import thread_config

    if not db.exists():
        return {}
    conn = sqlite3.connect(db, timeout=10, check_same_thread=False)
    try:
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'checkpoints'").fetchone() is None:
            return {}  # the bench has not created its tables yet (and we must not)
        saved = SqliteSaver(conn).get_tuple(thread_config(thread_id))
    finally:
        conn.close()
    return dict(saved.checkpoint["channel_values"]) if saved else {}


def rewind_to_input(db: Path, thread_id: str) -> None:
    """Leave only a thread's first checkpoint, which holds the run's input not yet applied: the
    state a kill between the thread's first two commits leaves (a window of a few milliseconds)."""
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM checkpoints WHERE thread_id = ? AND parent_checkpoint_id IS NOT NULL", (thread_id,))
        conn.execute("DELETE FROM writes WHERE thread_id = ?", (thread_id,))
    conn.close()


def wait_until(condition: Callable[[], bool], proc: subprocess.Popen[bytes], *, timeout: float = 60.0, poll_s: float = 0.03) -> bool:
    """Poll ``condition`` until it holds (True), or the process ends or the deadline passes (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if condition():
            return True
        time.sleep(poll_s)
    return False


# -- one kill, and what it left -------------------------------------------------------------------


@dataclass
class Kill:
    """One signal to a running bench and what it left behind."""

    run: int  # which run of the bench command it stopped (1 = the first)
    at: float  # time.time() just before the signal (the stub's request log uses the same clock)
    signal: int
    tree: list[Proc]  # the bench's processes just before the signal
    sandbox_seen: bool  # a sandbox process was among them
    left: list[Proc]  # of those, alive a few seconds after
    returncode: int | None
    stderr: str
    rows: list[ResultRow]  # the result file after the kill
    torn: bool  # the result file ended in a partial line
    started: set[str]  # tasks whose thread has begun (its input applied) but that have no result line
    unapplied: set[str]  # tasks whose thread holds only its input: killed between the first two commits
    ended: set[str]  # tasks with no result line whose thread had ended: killed during hidden tests or the write
    trials: dict[str, int]  # per task, the trials in its checkpoint after the kill
    reflections: dict[str, list[str]]  # per task, the reflections in its checkpoint after the kill


def kill(bench: BenchDir, proc: subprocess.Popen[bytes], sig: int = signal.SIGKILL, *, group: bool = False) -> Kill:
    """Send ``sig`` to the bench (``group``: to its process group, as a terminal's Ctrl-C does),
    wait for it to end, and record what it left."""
    tree = descendants(proc.pid)
    at = time.time()
    if group:
        os.killpg(proc.pid, sig)
    else:
        proc.send_signal(sig)
    try:
        code: int | None = proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        code = None
    stop(proc)
    return inspect_after(bench, at=at, sig=sig, tree=tree, returncode=code)


def inspect_after(bench: BenchDir, *, at: float, sig: int = 0, tree: list[Proc] | None = None, returncode: int | None = None) -> Kill:
    """What the stopped bench left: its processes still alive, the result file, the threads."""
    tree = tree or []
    rows = bench.rows()
    data = bench.out.read_bytes() if bench.out.exists() else b""
    done = {row["task_id"] for row in rows}
    values = {task: bench.thread_values(task) for task in bench.tasks}
    return Kill(
        run=bench.runs,
        at=at,
        signal=sig,
        tree=tree,
        sandbox_seen=any(p.is_sandbox for p in tree),
        left=survivors(tree),
        returncode=returncode,
        stderr=bench.output()[1],
        rows=rows,
        torn=bool(data) and not data.endswith(b"\n"),
        started={task for task, v in values.items() if "task" in v and task not in done},
        unapplied={task for task, v in values.items() if v and "task" not in v and task not in done},
        ended={task for task, v in values.items() if _ended(v) and task not in done},
        trials={task: len(v.get("trials", [])) for task, v in values.items()},
        reflections={task: list(v.get("reflections", [])) for task, v in values.items()},
    )


# -- checks ---------------------------------------------------------------------------------------


def comparable(row: ResultRow | dict[str, Any]) -> dict[str, Any]:
    """A result row without the fields that differ between two runs by design."""
    return {k: v for k, v in row.items() if k not in VOLATILE}


def check_result_file(path: Path, reference: dict[str, ResultRow], *, complete: bool) -> list[str]:
    """Whole lines, each task once, each row equal to the reference's; ``complete``: every task, no torn tail."""
    problems: list[str] = []
    data = path.read_bytes() if path.exists() else b""
    *lines, tail = data.split(b"\n")
    if tail and complete:
        problems.append(f"{path.name} ends in a partial line: {tail[:60]!r}")
    seen: list[str] = []
    for number, line in enumerate(lines, start=1):
        try:
            row = json.loads(line)
        except ValueError:
            problems.append(f"{path.name}:{number} is not a whole JSON line: {line[:60]!r}")
            continue
        task = row.get("task_id") if isinstance(row, dict) else None
        if task in seen:
            problems.append(f"{path.name}:{number}: {task} written twice")
        seen.append(task)
        if task not in reference:
            problems.append(f"{path.name}:{number}: unexpected task {task!r}")
            continue
        got, want = comparable(row), comparable(reference[task])
        if got != want:
            fields = sorted(k for k in set(got) | set(want) if got.get(k) != want.get(k))
            problems.append(f"{task}: differs from the uninterrupted run in {', '.join(fields)}")
    if complete and sorted(seen) != sorted(reference):
        problems.append(f"{path.name} holds {sorted(seen)}, not {sorted(reference)}")
    return problems


def check_kill(one: Kill, reference: dict[str, ResultRow], out: Path) -> list[str]:
    """What must hold right after a kill, before anything is re-run."""
    where = f"after kill {one.run}"
    problems = [f"{where}: {p}" for p in check_result_file(out, reference, complete=False)]
    for proc in one.left:
        problems.append(f"{where}: process {proc.pid} of the killed bench still runs: {proc.cmdline[:100]}")
    for task, reflections in one.reflections.items():
        if reflections != reference[task]["reflections"][: len(reflections)]:
            problems.append(f"{where}: {task}'s checkpoint holds reflections the uninterrupted run did not write: {reflections}")
    if "Traceback" in one.stderr:
        problems.append(f"{where}: the bench printed a traceback")
    return problems


def check_end(kills: list[Kill], final: Finished, out: Path, reference: dict[str, ResultRow], requests: list[Request]) -> list[str]:
    """What must hold once the same command has finished the bench."""
    if final.returncode != 0:
        tail = (final.stderr.strip().splitlines() or ["(nothing on stderr)"])[-1]
        return [f"the re-run ended with exit code {final.returncode}: {tail}"]
    problems = check_result_file(out, reference, complete=True)
    rows = {row["task_id"]: row for row in read_rows(out)}
    for one in kills:
        finished = {row["task_id"] for row in one.rows}
        for request in requests:
            if request.at > one.at and (asked := [t for t in finished if ENTRY_POINTS[t] in request.prompt]):
                problems.append(f"{asked[0]} was finished before kill {one.run}, yet its {request.model} call was made again")
        for task, reflections in one.reflections.items():
            kept = rows.get(task, {}).get("reflections", [])
            if kept[: len(reflections)] != reflections:
                problems.append(f"{task}: reflections in the checkpoint at kill {one.run} are not all in its result line")
    # A row says "resumed" exactly when the run that wrote it found the task's thread already begun
    # (either way for a thread whose input was saved but not yet applied when the kill came).
    written_by: dict[str, int] = {}
    for one in kills:
        for row in one.rows:
            written_by.setdefault(row["task_id"], one.run)
    for task, row in rows.items():
        run = written_by.get(task, kills[-1].run + 1 if kills else 1)
        before = next((k for k in kills if k.run == run - 1), None)
        if before is not None and task in before.unapplied:
            continue
        expected = before is not None and task in before.started
        if row["resumed"] != expected:
            problems.append(f"{task}: resumed is {row['resumed']}, expected {expected}")
    if "Traceback" in final.stderr:
        problems.append("the re-run printed a traceback")
    return problems


# -- the reference run and the scenarios -----------------------------------------------------------


@dataclass
class Reference:
    rows: dict[str, ResultRow]
    seconds: float  # the whole run
    work_s: float  # from its first model call to its end


def reference_run(root: Path) -> Reference:
    """The uninterrupted run the killed ones are compared with."""
    root.mkdir(parents=True, exist_ok=True)
    with OpenAIStubProcess(bench_script(), requests_log=root / "requests.jsonl") as stub:
        bench = BenchDir(root, stub)
        started = time.time()
        final = bench.run()
        ended = time.time()
        if final.returncode != 0:
            raise RuntimeError(f"the reference bench failed (exit {final.returncode}): {final.stderr.strip()[-500:]}")
        first = min((r.at for r in bench.requests()), default=started)
        return Reference({row["task_id"]: row for row in bench.rows()}, ended - started, ended - first)


@dataclass
class KillScenario:
    point: str
    kills: list[Kill] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    final: Finished | None = None
    requests: list[Request] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def survived(self) -> int:
        """Kills after which everything held, up to and including the final run."""
        return 0 if self.problems else len(self.kills)


Wait = Callable[[subprocess.Popen[bytes]], bool]
"""Blocks until a run of the bench reaches its kill moment (True) or ends first (False)."""


def kill_scenario(point: str, root: Path, reference: Reference, *, seed: int = 0, max_kills: int | None = None) -> KillScenario:
    """Run the bench, SIGKILL it at ``point`` (see the module docstring), re-run the same command to
    its end, and check everything against ``reference``."""
    if point not in KILL_POINTS:
        raise ValueError(f"unknown kill point {point!r}; choose one of {', '.join(KILL_POINTS)}")
    root.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    scenario = KillScenario(point)
    with OpenAIStubProcess(bench_script(*faults_for(point)), requests_log=root / "requests.jsonl") as stub:
        bench = BenchDir(root, stub)
        waits = kill_waits(point, bench, reference, random.Random(seed), max_kills)
        for wait in waits:
            proc = bench.start()
            try:
                if not wait(proc):
                    break  # the run ended (or stalled) before the point: it is the final run
                one = kill(bench, proc)
            finally:
                stop(proc)
            scenario.kills.append(one)
            scenario.problems += check_kill(one, reference.rows, bench.out)
        if not scenario.kills:
            scenario.problems.append(f"the bench never reached the kill point ({point})")
        if proc.returncode == 0 and scenario.kills and bench.runs > scenario.kills[-1].run:
            final = Finished(0, *bench.output())  # the last run ended before its kill: that is the re-run
        else:
            final = bench.run()
        scenario.final = final
        scenario.requests = bench.requests()
        scenario.problems += check_end(scenario.kills, final, bench.out, reference.rows, scenario.requests)
    scenario.seconds = time.monotonic() - started
    return scenario



def input_only_scenario(root: Path, reference: Reference) -> KillScenario:
    """The state a SIGKILL between a thread's first two commits leaves (its input saved, not yet
    applied; a window of milliseconds that random kills hit now and then), made on purpose: a
    finished bench loses HumanEval/4's result line and its thread is cut back to its first
    checkpoint. The same command must then finish the bench as if nothing had happened."""
    root.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    scenario = KillScenario("before a thread's first step")
    with OpenAIStubProcess(bench_script(), requests_log=root / "requests.jsonl") as stub:
        bench = BenchDir(root, stub)
        first = bench.run()
        if first.returncode != 0:
            scenario.problems.append(f"the first run ended with exit code {first.returncode}")
        else:
            lines = bench.out.read_text(encoding="utf-8").splitlines(keepends=True)
            bench.out.write_text("".join(line for line in lines if '"HumanEval/4"' not in line), encoding="utf-8")
            rewind_to_input(bench.db, bench.thread_id("HumanEval/4"))
            scenario.kills.append(inspect_after(bench, at=time.time()))
            scenario.final = bench.run()
            scenario.requests = bench.requests()
            scenario.problems += check_end(scenario.kills, scenario.final, bench.out, reference.rows, scenario.requests)
    scenario.seconds = time.monotonic() - started
    return scenario


def faults_for(point: str) -> list[Fault]:
    """What the stub holds back for a kill point: HumanEval/0's reflector call, or its trial-2 actor
    call. Each fires once, so the re-run gets its reply at once."""
    if point == "model call":
        return [Fault("hang", seconds=600, model=REFLECTOR, when="def has_close_elements", times=1)]
    if point == "between trials":
        return [Fault("hang", seconds=600, model=ACTOR, when="Lesson A", times=1)]
    return []


def kill_waits(
    point: str, bench: BenchDir, reference: Reference | None = None, rng: random.Random | None = None, max_kills: int | None = None
) -> list[Wait]:
    """One wait per run of the bench: each returns once the run reached its kill moment (True), or
    ended first (False). The stub must run :func:`faults_for` ``point``."""
    rng = rng or random.Random(0)
    held = lambda: any(r.fault == "hang" for r in bench.requests())  # noqa: E731

    if point == "model call":
        return [lambda proc: wait_until(held, proc)]
    if point == "sandbox":
        return [lambda proc: wait_until(lambda: any(_is_harness(p) for p in descendants(proc.pid)), proc)]
    if point == "between trials":
        return [lambda proc: wait_until(lambda: held() and bool(bench.thread_values("HumanEval/0").get("reflections")), proc)]
    if point == "writing results":

        def after_a_thread_ended(proc: subprocess.Popen[bytes]) -> bool:
            already = {task for task in TASK_IDS if _ended(bench.thread_values(task))}
            fresh = lambda: any(_ended(bench.thread_values(task)) for task in TASK_IDS if task not in already)  # noqa: E731
            if not wait_until(fresh, proc, timeout=RUN_TIMEOUT_S, poll_s=0.005):
                return False
            time.sleep(rng.uniform(0.0, 0.04))  # the hidden tests, then the append: some 30 ms here
            return proc.poll() is None

        return [after_a_thread_ended] * (max_kills or 3)

    if reference is None:
        raise ValueError("random kills need the reference run's duration")

    def at_random(proc: subprocess.Popen[bytes]) -> bool:
        asked = len(bench.requests())
        if not wait_until(lambda: len(bench.requests()) > asked, proc, timeout=RUN_TIMEOUT_S):
            return False
        time.sleep(rng.uniform(0.0, 0.6 * reference.work_s))
        return proc.poll() is None

    return [at_random] * (max_kills or 4)


def _is_harness(proc: Proc) -> bool:
    """The sandbox harness running tests (not bubblewrap's start-up probe, which runs ``print('ok')``)."""
    return proc.is_sandbox and "print('ok')" not in proc.cmdline


def _ended(values: dict[str, Any]) -> bool:
    return values.get("outcome") in ("solved", "failed")


def run_kill_matrix(root: Path, points: tuple[str, ...] = KILL_POINTS, *, seed: int = 0) -> list[KillScenario]:
    """The reference run, then every kill point and the forced input-only state, each in its own
    directory under ``root``."""
    reference = reference_run(root / "reference")
    scenarios = [kill_scenario(point, root / point.replace(" ", "-"), reference, seed=seed) for point in points]
    return [*scenarios, input_only_scenario(root / "input-only", reference)]
