"""Bad input to the ``reflexion`` command, each case run as a real process: malformed task files for
every domain's loader, unknown task ids, invalid settings, a missing or wrong API key, an unreachable
endpoint, unusable checkpoint and result files. Each must be refused with a non-zero exit code and
one clear line on stderr (no traceback) that says what is wrong.

Every case runs with an endpoint that refuses connections (nothing listens on its port), so a case
that wrongly gets as far as a model call fails fast instead of starting the embedded model.

    from drivers.bad_inputs import BAD_INPUTS, run_bad_inputs
    for rejection in run_bad_inputs():
        print(rejection.case.name, rejection.clean, rejection.problem)

Used by ``tests/integration/test_bad_input.py`` and ``bench/reliability.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from drivers.killer import clean_env
from reflexion.testing.openai_stub import Fault, OpenAIStub, Rule, Script, unused_port

QA_ROW = b'{"id": "a", "question": "What is 1 + 0?", "answer": "1"}\n'
PROGRAM_ROW = b'{"id": "inc", "prompt": "def inc(x):\\n    \\"\\"\\"x + 1\\"\\"\\"\\n"}\n'
HOTPOT_ROW = {
    "id": "h1",
    "question": "Which river flows through Leeds?",
    "answer": "Aire",
    "supporting_facts": [{"title": "Leeds", "sent_id": 0}],
    "context": [{"title": "Leeds", "sentences": ["Leeds lies on the River Aire."]}],
}
OTHER_EXPERIMENT = {"task_id": "sum-primes", "domain": "qa", "strategy": "reflexion", "max_trials": 5, "memory_window": 3}


def _hotpot(**changes: object) -> bytes:
    row = {**HOTPOT_ROW, **changes}
    return (json.dumps({k: v for k, v in row.items() if v is not None}) + "\n").encode()


@dataclass(frozen=True)
class BadInput:
    """One bad invocation. In ``args``, ``message`` and env values, ``{dir}`` is the case's scratch
    directory; in env values ``{stub}`` is the base URL of a server that answers HTTP 401 and
    ``{refused}`` one where nothing listens. An env value of ``None`` removes the variable."""

    name: str
    args: tuple[str, ...]
    message: str  # the stderr line must contain this
    files: tuple[tuple[str, bytes], ...] = ()  # written under {dir} first (a name ending in / is a directory)
    env: tuple[tuple[str, str | None], ...] = ()

    @property
    def needs_stub(self) -> bool:
        return any(value and "{stub}" in value for _, value in self.env)


def _qa(name: str, content: bytes, message: str) -> BadInput:
    return BadInput(f"qa task file: {name}", ("run", "--domain", "qa", "--source", "{dir}/tasks.jsonl"), message, (("tasks.jsonl", content),))


def _programming(name: str, file: str, content: bytes, message: str) -> BadInput:
    args = ("bench", f"{{dir}}/{file}", "--out", "{dir}/results.jsonl") + (("--domain", "programming") if file.endswith(".jsonl") else ())
    return BadInput(f"programming task file: {name}", args, message, ((file, content),))


def _hotpotqa(name: str, content: bytes, message: str) -> BadInput:
    args = ("run", "--domain", "hotpotqa-cot", "--source", "{dir}/hotpot.jsonl")
    return BadInput(f"hotpotqa task file: {name}", args, message, (("hotpot.jsonl", content),))


BAD_INPUTS: tuple[BadInput, ...] = (
    _qa("bad JSON", QA_ROW + b'{"id": "b", "question": \n', "tasks.jsonl:2: bad JSON"),
    _qa("missing field", b'{"id": "a", "answer": "1"}\n', "tasks.jsonl:1: missing field 'question'"),
    _qa("wrong type", b'{"id": "a", "question": 3, "answer": "1"}\n', "tasks.jsonl:1: field 'question' should be str, got int"),
    _qa("empty", b"", "no tasks in file (it is empty)"),
    _qa("not UTF-8", b'{"id": "a", "question": "caf\xe9?", "answer": "1"}\n', "tasks.jsonl: not UTF-8"),
    _programming("bad JSON", "mine.jsonl", PROGRAM_ROW + b"{not json\n", "mine.jsonl:2: bad JSON"),
    _programming("missing field", "mine.jsonl", b'{"id": "inc"}\n', "task 1: missing field 'prompt'"),
    _programming("wrong type", "mine.jsonl", b'{"id": "inc", "prompt": 3}\n', "task 1: field 'prompt' should be str, got int"),
    _programming("empty", "mine.jsonl", b"", "no tasks in file"),
    _programming("not Python", "inc.py", b"def inc(x):\n", "inc.py is not valid Python"),
    _programming("not UTF-8", "inc.py", b"def inc(x):\n    'caf\xe9'\n", "inc.py: cannot read"),
    _hotpotqa("bad JSON", _hotpot() + b"{oops\n", "hotpot.jsonl:2: bad JSON"),
    _hotpotqa("missing field", _hotpot(answer=None), "missing field 'answer'"),
    _hotpotqa("wrong type", _hotpot(context="ten paragraphs"), "field 'context' should be list"),
    BadInput("textworld task file: bad JSON", ("run", "--domain", "textworld", "--source", "{dir}/games.jsonl"),
             "games.jsonl:1: bad JSON", (("games.jsonl", b"{oops\n"),)),  # fmt: skip
    BadInput("unknown task id (run)", ("run", "--task", "sum-prime"), "unknown task id 'sum-prime'; did you mean sum-primes"),
    BadInput("unknown task id (bench)", ("bench", "humaneval", "--task", "HumanEval/999", "--out", "{dir}/r.jsonl"),
             "unknown task id 'HumanEval/999'"),  # fmt: skip
    BadInput("unknown domain", ("run", "--domain", "chess"), "unknown domain 'chess'"),
    BadInput("negative trials (run)", ("run", "--max-trials", "-1"), "max trials (--max-trials) must be a positive integer, got -1"),
    BadInput("zero trials (bench)", ("bench", "builtin", "--domain", "qa", "--max-trials", "0", "--out", "{dir}/r.jsonl"),
             "max trials (--max-trials) must be a positive integer, got 0"),  # fmt: skip
    BadInput("window 0 (run)", ("run", "--window", "0"), "memory window (--window) must be a positive integer, got 0"),
    BadInput("window 0 (bench)", ("bench", "builtin", "--domain", "qa", "--window", "0", "--out", "{dir}/r.jsonl"),
             "memory window (--window) must be a positive integer, got 0"),  # fmt: skip
    BadInput("unknown strategy", ("run", "--strategy", "smarter"), "invalid choice: 'smarter'"),
    BadInput("trials not a number", ("bench", "humaneval", "--max-trials", "many"), "invalid int value: 'many'"),
    BadInput("negative retries", ("run",), "REFLEXION_MAX_RETRIES", env=(("REFLEXION_MAX_RETRIES", "-1"),)),
    BadInput("timeout not a number", ("run",), "REFLEXION_TIMEOUT", env=(("REFLEXION_TIMEOUT", "soon"),)),
    BadInput("unknown test source", ("bench", "humaneval", "--task", "HumanEval/0", "--out", "{dir}/r.jsonl"),
             "must be one of self+visible, self, visible, none", env=(("REFLEXION_TEST_SOURCE", "hidden"),)),  # fmt: skip
    BadInput("model name without a key", ("run",), "REFLEXION_MODEL is set but no endpoint is",
             env=(("REFLEXION_MODEL", "gpt-4o"), ("REFLEXION_BASE_URL", None), ("REFLEXION_API_KEY", None))),  # fmt: skip
    BadInput("wrong API key", ("run", "--task", "sum-primes"), "HTTP 401", env=(("REFLEXION_BASE_URL", "{stub}"),)),
    BadInput("unreachable endpoint", ("bench", "builtin", "--domain", "qa", "--task", "sum-primes", "--out", "{dir}/r.jsonl"),
             "actor model at {refused}"),  # fmt: skip
    BadInput("unknown thread", ("resume", "ghost"), "no thread 'ghost'"),
    BadInput("checkpoint file is not SQLite", ("history", "--list", "--db", "{dir}/runs.txt"), "not a database",
             (("runs.txt", b"these are notes, not checkpoints\n"),)),  # fmt: skip
    BadInput("checkpoint file is a folder", ("run", "--db", "{dir}/runs/"), "runs", (("runs/", b""),)),
    BadInput("result file is a folder", ("bench", "builtin", "--domain", "qa", "--out", "{dir}/results/"), "results",
             (("results/", b""),)),  # fmt: skip
    BadInput("result file with a broken line", ("bench", "builtin", "--domain", "qa", "--out", "{dir}/r.jsonl"),
             "r.jsonl:1: not a result line", (("r.jsonl", b"{oops}\n"),)),  # fmt: skip
    BadInput("result file of another experiment",
             ("bench", "builtin", "--domain", "qa", "--task", "sum-primes", "--max-trials", "2", "--out", "{dir}/r.jsonl"),
             "holds results with --max-trials 5", (("r.jsonl", (json.dumps(OTHER_EXPERIMENT) + "\n").encode()),)),  # fmt: skip
    BadInput("--executor ray with a SQLite file", ("bench", "builtin", "--domain", "qa", "--executor", "ray", "--out", "{dir}/r.jsonl"),
             "--executor ray needs a PostgreSQL --db", env=(("RAY_ADDRESS", None),)),  # fmt: skip
    BadInput("RAY_ADDRESS unreachable", ("bench", "builtin", "--domain", "qa", "--executor", "ray", "--out", "{dir}/r.jsonl"),
             "cannot reach the Ray cluster at RAY_ADDRESS=127.0.0.1:1", env=(("RAY_ADDRESS", "127.0.0.1:1"),)),  # fmt: skip
)


@dataclass(frozen=True)
class Rejection:
    """How the ``reflexion`` command answered one bad input."""

    case: BadInput
    returncode: int | None  # None: still running at the deadline (killed)
    stderr: str
    message: str  # what the line had to contain, placeholders filled in
    seconds: float

    @property
    def lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]

    @property
    def problem(self) -> str | None:
        """Why this is not a clean rejection; None when it is."""
        if self.returncode is None:
            return "still running at the deadline"
        if self.returncode == 0:
            return "exit code 0"
        if "Traceback" in self.stderr:
            return f"a traceback ({self.lines[-1][:120] if self.lines else ''})"
        if len(self.lines) != 1:
            return f"{len(self.lines)} lines on stderr, not 1"
        if self.message not in self.lines[0]:
            return f"the line does not say {self.message!r}: {self.lines[0][:160]!r}"
        return None

    @property
    def clean(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class Invocation:
    """A case made concrete: its files written, its placeholders filled in."""

    argv: list[str]  # after ``reflexion``
    env: dict[str, str]  # the whole environment
    message: str
    cwd: Path


def prepare(case: BadInput, root: Path, *, stub_url: str = "") -> Invocation:
    """Write the case's files under ``root`` (created here) and fill in its placeholders."""
    root.mkdir(parents=True, exist_ok=True)
    for name, content in case.files:
        path = root / name
        if name.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
        else:
            path.write_bytes(content)
    refused = f"http://127.0.0.1:{unused_port()}/v1"
    fill = lambda text: text.replace("{dir}", str(root)).replace("{stub}", stub_url).replace("{refused}", refused)  # noqa: E731
    env = clean_env(REFLEXION_DB=str(root / "runs.sqlite"), REFLEXION_BASE_URL=refused, REFLEXION_API_KEY="sk-test", REFLEXION_MAX_RETRIES="0")
    for name, value in case.env:
        if value is None:
            env.pop(name, None)
        else:
            env[name] = fill(value)
    return Invocation([fill(arg) for arg in case.args], env, fill(case.message), root)


def run_bad_input(case: BadInput, root: Path, *, stub_url: str = "", timeout: float = 90.0) -> Rejection:
    """Run ``case`` as a ``reflexion`` process in a scratch directory ``root``."""
    call = prepare(case, root, stub_url=stub_url)
    started = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-m", "reflexion.cli", *call.argv], env=call.env, cwd=call.cwd,
                              capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)  # fmt: skip
        code, stderr = done.returncode, done.stderr
    except subprocess.TimeoutExpired as exc:
        code, stderr = None, exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else (exc.stderr or "")
    return Rejection(case, code, stderr, call.message, time.monotonic() - started)


def unauthorized_stub() -> OpenAIStub:
    """A server that refuses every request with HTTP 401 (a wrong API key)."""
    return OpenAIStub(Script(rules=[Rule("unused")], faults=[Fault("http", status=401)]))


def run_bad_inputs(cases: tuple[BadInput, ...] = BAD_INPUTS, *, workers: int = 2) -> list[Rejection]:
    """Every case, ``workers`` at a time, each in its own scratch directory; in the order given."""
    with tempfile.TemporaryDirectory(prefix="reflexion-bad-input-") as scratch, unauthorized_stub() as stub:
        with ThreadPoolExecutor(workers) as pool:
            jobs = [pool.submit(run_bad_input, case, Path(scratch) / str(n), stub_url=stub.base_url) for n, case in enumerate(cases)]
            return [job.result() for job in jobs]
