"""Bad input to the ``reflexion`` command: each case of ``drivers.bad_inputs`` (malformed
task files for every domain, unknown ids, invalid settings, a missing or wrong API key, an
unreachable endpoint, unusable checkpoint and result files) is refused with a non-zero exit and one
line on stderr, no traceback; and a refused invocation leaves finished work byte for byte as it was.

The per-case test calls the command's ``main()`` in this process (38 interpreter start-ups would
cost minutes); ``bench/reliability.py`` runs the same cases as real processes, and the last test
here runs real processes against a finished bench."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.bad_inputs import BAD_INPUTS, BadInput, Rejection, prepare, unauthorized_stub
from drivers.killer import clean_env, thread_values
from reflexion.bench.source import bench_thread_id
from reflexion.cli import main
from reflexion.testing.openai_stub import OpenAIStub, Rule, Script, unused_port

# Refused, but not yet in one clean line: each is an expected failure until the CLI handles it.
KNOWN_GAPS: dict[str, str] = {}  # bad inputs not yet refused cleanly, as strict expected failures


def _param(case: BadInput) -> pytest.param:
    marks = [pytest.mark.xfail(reason=KNOWN_GAPS[case.name], strict=True)] if case.name in KNOWN_GAPS else []
    return pytest.param(case, id=case.name, marks=marks)


@pytest.fixture(scope="module")
def unauthorized() -> Iterator[OpenAIStub]:
    with unauthorized_stub() as stub:
        yield stub


@pytest.mark.parametrize("case", [_param(case) for case in BAD_INPUTS])
def test_bad_input_is_refused_with_one_clear_line(
    case: BadInput, unauthorized: OpenAIStub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    call = prepare(case, tmp_path, stub_url=unauthorized.base_url)
    for name in [n for n in os.environ if n.startswith(("OPENAI_", "REFLEXION_"))]:
        monkeypatch.delenv(name)
    for name, value in call.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(call.cwd)
    try:
        code = main(call.argv)
    except SystemExit as exc:  # argparse's own errors
        code = exc.code if isinstance(exc.code, int) else 1
    rejection = Rejection(case, code, capsys.readouterr().err, call.message, 0.0)
    assert rejection.problem is None, rejection.stderr


# -- a refused invocation touches nothing finished ------------------------------------------------

SUM_PRIMES = [
    Rule("I counted 2 twice; use each prime once.", model="stub-reflector"),
    Rule("Answer: 28", model="stub-actor", when="counted 2 twice"),
    Rule("Answer: 30", model="stub-actor"),
]


@pytest.mark.slow
def test_a_refused_invocation_leaves_finished_results_and_checkpoints_byte_identical(tmp_path: Path) -> None:
    out, db = tmp_path / "qa.jsonl", tmp_path / "runs.sqlite"
    bench = ["bench", "builtin", "--domain", "qa", "--task", "sum-primes", "--max-trials", "2", "--out", str(out), "--db", str(db)]
    thread = bench_thread_id(out, "sum-primes", "reflexion")
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "x", "question": \n', encoding="utf-8")

    def reflexion(*args: str, endpoint: str) -> subprocess.CompletedProcess[str]:
        env = clean_env(REFLEXION_BASE_URL=endpoint, REFLEXION_API_KEY="sk-test", REFLEXION_MAX_RETRIES="0",
                        REFLEXION_ACTOR_MODEL="stub-actor", REFLEXION_EVALUATOR_MODEL="stub-evaluator", REFLEXION_REFLECTOR_MODEL="stub-reflector")  # fmt: skip
        return subprocess.run([sys.executable, "-m", "reflexion.cli", *args], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)

    with OpenAIStub(Script(rules=SUM_PRIMES)) as stub:
        assert reflexion(*bench, endpoint=stub.base_url).returncode == 0
        finished = {path: path.read_bytes() for path in (out, out.with_name("qa.summary.json"), db)}
        state = thread_values(db, thread)
        assert state["outcome"] == "solved" and state["reflections"]

        nowhere = f"http://127.0.0.1:{unused_port()}/v1"
        refused = [
            [*bench[:-4], "--max-trials", "3", "--out", str(out), "--db", str(db)],  # another experiment in the same file
            [*bench, "--window", "0"],
            [*bench[:4], "--task", "sum-prime", *bench[6:]],
            [*bench, "--strategy", "smarter"],
            ["bench", str(broken), "--domain", "qa", "--out", str(out), "--db", str(db)],
            ["resume", thread, "--max-trials", "0", "--db", str(db)],  # opens the checkpoint file, then refuses
        ]
        for args in refused:
            result = reflexion(*args, endpoint=nowhere)
            assert result.returncode == 2 and "Traceback" not in result.stderr, (args, result.stderr)
            assert {path: path.read_bytes() for path in finished} == finished, args

        # A model that cannot be reached while a new task starts: the finished task and its thread are untouched.
        result = reflexion(*bench[:4], "--task", "sum-primes", "days-leap", *bench[6:], endpoint=nowhere)
        assert result.returncode == 2 and "actor model at http://127.0.0.1:" in result.stderr
        assert out.read_bytes() == finished[out]
        assert thread_values(db, thread) == state

        before = len(stub.requests)
        again = reflexion(*bench, endpoint=stub.base_url)
        assert again.returncode == 0 and "1 already done" in again.stdout and len(stub.requests) == before
    assert out.read_bytes() == finished[out]


def test_rejection_problems_name_what_went_wrong() -> None:
    case = BAD_INPUTS[0]
    assert Rejection(case, 2, "error: x\n", "x", 0.0).problem is None
    assert Rejection(case, 0, "", "x", 0.0).problem == "exit code 0"
    assert "traceback" in (Rejection(case, 1, "Traceback (most recent call last):\nValueError: v\n", "x", 0.0).problem or "")
    assert Rejection(case, 2, "usage: ...\nerror: x\n", "x", 0.0).problem == "2 lines on stderr, not 1"
    assert "does not say" in (Rejection(case, 2, "error: y\n", "x", 0.0).problem or "")
