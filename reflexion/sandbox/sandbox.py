"""Run model-written Python out of process: ``Sandbox.run`` and ``Sandbox.run_tests``.

Each call starts one fresh harness (``_harness.py``) inside the isolation (bubblewrap, or the
rlimits fallback). The harness runs each test (the program, then the test), or the script, in a
forked child with the limits applied, and reports authenticated records on its stdout. This module
turns those records into ``ExecResult`` / ``TestResult``; it accepts a pass only from a record
carrying this call's secret that says the test code ran to its end.
"""

from __future__ import annotations

import ast
import hmac
import marshal
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from reflexion.sandbox import isolation as isolation_
from reflexion.sandbox.asserts import UnparsableTestError, program_syntax_error, rewrite_test
from reflexion.sandbox.limits import Limits
from reflexion.sandbox.preload import preloadable_imports
from reflexion.sandbox.results import ExecResult, TestResult

# Uids given to untrusted code when we run as root: one per execution, so the kernel's process
# limit and kill(-1) apply to exactly that execution's processes.
DEFAULT_UIDS = range(1_700_000_000, 1_700_000_000 + (1 << 20))
STARTUP_SLACK_S = 10.0  # harness start and per-unit cleanup, on a loaded machine
CHILD_SETUP_FAILED = 120  # keep in step with _harness.CHILD_SETUP_FAILED
Facts = dict[str, Any]
# What the harness reports about one unit, as it would for a unit that never got anywhere.
NO_FACTS: Facts = {
    "status": None,
    "reason": None,
    "actual": None,
    "exit": None,
    "signal": None,
    "timed_out": False,
    "flooded": False,
    "truncated": False,
    "forged": False,
    "phase": "program",
    "stdout": b"",
    "stderr": b"",
    "duration": 0.0,
}


class Sandbox:
    """Executes untrusted Python with limits; see ``docs/sandbox.md`` for what is defended."""

    def __init__(
        self,
        limits: Limits | None = None,
        *,
        isolation: str | None = None,
        uids: range | None = None,
    ) -> None:
        """``isolation``: "auto" (default; ``$REFLEXION_SANDBOX`` may set it), "bubblewrap"
        (required) or "rlimits" (force the fallback). ``uids``: the block of uids that untrusted
        code runs as when we are root."""
        self.limits = limits or Limits()
        self._isolation = isolation_.choose(isolation)
        self._uids = uids or DEFAULT_UIDS

    @property
    def separate_uid(self) -> bool:
        """Whether untrusted code runs as a uid of its own (we are root), so that signals, the
        process limit and file permissions separate it from us."""
        return self._isolation.separate_uid

    @property
    def runs_code_as_root(self) -> bool:
        """True only for the fallback started as root without an interpreter other uids can run."""
        return os.geteuid() == 0 and not self._isolation.separate_uid

    @property
    def uid_block(self) -> range:
        """The uids untrusted code runs as (when we are root): a process with one is a leftover."""
        return self._uids

    @property
    def isolation(self) -> str:
        """``"bubblewrap"`` or ``"rlimits (bubblewrap not available: ...)"``."""
        return self._isolation.description

    def run(self, source: str, stdin: str | None = None) -> ExecResult:
        """Run ``source`` as a script (``__name__ == "__main__"``) with ``stdin`` as its input."""
        syntax = program_syntax_error(source)
        if syntax is not None:
            return ExecResult(1, "", syntax + "\n", False, syntax, 0.0)
        timeout = self.limits.timeout_s
        started = time.monotonic()
        records, problem = self._execute("run", source, [], timeout, stdin or "")
        duration = time.monotonic() - started
        facts = next((record[1] for record in records if record[0] == "run"), None)
        if facts is None:
            return ExecResult(-signal.SIGKILL, "", "", problem.startswith("timeout"), problem, duration)
        facts = {**NO_FACTS, **facts}
        stdout, stderr = _text(facts["stdout"]), _text(facts["stderr"])
        reason = None if _exited_cleanly(facts) else failure_reason(facts, timeout, self.limits, script=True)
        if facts["signal"] is not None:
            exit_code = -facts["signal"]
        elif facts["exit"] is None:  # timed out or flooded before it exited
            exit_code = -signal.SIGKILL
        else:
            exit_code = facts["exit"]
        truncated = _truncated(facts)
        return ExecResult(exit_code, stdout, stderr, facts["timed_out"], reason, facts["duration"], truncated)

    def run_tests(self, program: str, tests: list[str], timeout_s: float | None = None) -> list[TestResult]:
        """Run each test (Python statements) after ``program``, each in its own process.

        ``timeout_s`` (default ``limits.timeout_s``) applies to each test separately (the program's
        import included), so one hanging test fails alone. A program that does not compile, raises,
        exits or hangs on import fails every test with that reason, after one timeout at most.
        """
        timeout = timeout_s if timeout_s is not None else self.limits.timeout_s
        syntax = program_syntax_error(program)
        if syntax is not None:
            return [TestResult(test, False, f"program failed: {syntax}", None) for test in tests]
        rewritten: list[str] = []
        broken: dict[int, str] = {}
        for index, test in enumerate(tests):
            try:
                rewritten.append(rewrite_test(test))
            except UnparsableTestError as error:
                broken[index] = f"test does not compile: {error}"
                rewritten.append("raise SyntaxError")
        if not tests:
            return []
        preload = preloadable_imports(program) if len(tests) > 1 else []
        records, problem = self._execute("tests", program, rewritten, timeout, "", preload)
        program_facts = next(({**NO_FACTS, **r[1]} for r in records if r[0] == "program"), None)
        by_index = {r[1]: {**NO_FACTS, **r[2]} for r in records if r[0] == "test"}
        results = []
        for index, test in enumerate(tests):
            facts = by_index.get(index)
            if index in broken:
                results.append(TestResult(test, False, broken[index], None))
            elif program_facts is not None:  # the program failed before any test could run
                why = f"program failed: {self._reason(program_facts, timeout)}"
                output = _text(program_facts["stdout"])
                results.append(TestResult(test, False, why, None, output, output_truncated=_truncated(program_facts)))
            elif facts is None:
                results.append(TestResult(test, False, f"not run: {problem}", None))
            else:
                passed = _passed(facts)
                reason = None if passed else self._reason(facts, timeout)
                if reason is not None and facts["phase"] == "program":
                    reason = f"program failed: {reason}"
                actual = facts["actual"] if not passed and facts["status"] == "FAIL" else None
                output = _text(facts["stdout"])
                results.append(TestResult(test, passed, reason, actual, output, facts["duration"], _truncated(facts)))
        return results

    # ------------------------------------------------------------------ internals

    def _execute(
        self, mode: str, program: str, tests: list[str], timeout: float, stdin: str, preload: list[str] | None = None
    ) -> tuple[list[tuple[Any, ...]], str]:
        """Start one harness, feed it the job, return its authenticated records and, if it did not
        finish, why not."""
        secret = secrets.token_hex(32).encode()
        uid = self._uids[secrets.randbelow(len(self._uids))] if self._isolation.separate_uid else None
        units = 1 if mode == "run" else len(tests)
        budget = units * (timeout + 1.0) + STARTUP_SLACK_S
        with self._scratch(uid) as host_scratch:
            launch = self._isolation.launch(self.limits.scratch_mb, host_scratch)
            config = {
                **launch.settings,
                "mode": mode,
                "program": program,
                "tests": tests,
                "timeout": float(timeout),
                "limits": self.limits.for_harness(),
                "output_bytes": int(self.limits.output_bytes),
                "on_output_limit": self.limits.on_output_limit,
                "uid": uid,
                "preload": preload or [],
            }
            payload = marshal.dumps(config)
            job = launch.preamble + secret + len(payload).to_bytes(8, "big") + payload
            job += stdin.encode("utf-8", "surrogateescape")
            try:
                process = subprocess.Popen(
                    launch.argv,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    cwd=launch.cwd,
                    env=launch.env,
                    start_new_session=True,  # one process group to kill
                )
            except OSError as error:
                return [], f"sandbox could not start: {error}"
            problem = ""
            try:
                out, err = process.communicate(job, timeout=budget)
            except subprocess.TimeoutExpired:
                _kill_group(process.pid)
                out, err = process.communicate()
                problem = f"timeout: the sandbox ran past {budget:g}s"
            finally:
                if process.poll() is None:
                    _kill_group(process.pid)
                    process.wait()
            records, complete = _parse_records(out, secret)
            if not complete and self._isolation.fallback:
                # The harness died (or was killed): what it started is orphaned; find it by
                # process group and, when it has one, by uid.
                for record in records:
                    if record[0] == "started":
                        _kill_group(record[1])
                if uid is not None:
                    _kill_uid(uid, self._isolation.python)
        if not complete and not problem:
            detail = err.decode("utf-8", "replace").strip().splitlines()
            problem = "sandbox stopped early" + (f": {detail[-1]}" if detail else f" (exit {process.returncode})")
        return records, problem

    @contextmanager
    def _scratch(self, uid: int | None) -> Iterator[str | None]:
        """The fallback's scratch directory on the host (bubblewrap makes its own tmpfs)."""
        if not self._isolation.fallback:
            yield None
            return
        path = tempfile.mkdtemp(prefix="reflexion-sandbox-")
        try:
            os.chmod(path, 0o700)
            if uid is not None:
                os.chown(path, uid, uid)
            yield path
        finally:
            shutil.rmtree(path, ignore_errors=True)

    def _reason(self, facts: Facts, timeout: float) -> str:
        return failure_reason(facts, timeout, self.limits)


def failure_reason(facts: Facts, timeout: float, limits: Limits, *, script: bool = False) -> str:
    """One line saying why a unit did not pass, from the harness's facts about it. ``script``:
    a ``Sandbox.run``, where exiting early is not suspicious. Output cut without failing the unit
    (``on_output_limit="truncate"``) is said too: it is not the reason, but whoever reads the
    reason (the feedback) sees only part of what the code printed."""
    reason = _failure_cause(facts, timeout, limits, script=script)
    if facts.get("truncated") and not facts.get("flooded"):
        reason += f" (output truncated at {limits.output_bytes} bytes)"
    return reason


def _failure_cause(facts: Facts, timeout: float, limits: Limits, *, script: bool) -> str:
    sig = facts.get("signal")
    exception = facts.get("reason")
    if facts.get("timed_out"):
        return f"timeout after {timeout:g}s"
    if facts.get("flooded"):
        return f"killed: output limit ({limits.output_bytes} bytes)"
    if sig == signal.SIGXCPU:
        return "killed: CPU time limit"
    if sig == signal.SIGXFSZ:
        return "killed: file size limit"
    if sig == signal.SIGKILL:
        return "killed by SIGKILL (CPU time or memory limit)"
    if sig is not None:
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
        crash = " (crash, e.g. stack overflow or memory limit)" if sig in (signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS) else ""
        return f"killed by signal {name}{crash}"
    if facts.get("exit") == CHILD_SETUP_FAILED:
        return "sandbox could not set up the process"
    if facts.get("forged"):
        return "invalid report on the result channel (forged?)"
    if exception:
        if exception.startswith("MemoryError"):
            return "killed: memory limit (MemoryError)"
        return exception
    if facts.get("status") is None and not script:
        return f"exited with code {facts.get('exit')} before the test finished"
    return f"exit code {facts.get('exit')}"


def _passed(facts: Facts) -> bool:
    return (
        facts.get("status") == "PASS"
        and facts.get("exit") == 0
        and facts.get("signal") is None
        and not facts.get("timed_out")
        and not facts.get("flooded")
        and not facts.get("forged")
    )


def _truncated(facts: Facts) -> bool:
    return bool(facts.get("truncated") or facts.get("flooded"))


def _exited_cleanly(facts: Facts) -> bool:
    return facts["exit"] == 0 and not facts["timed_out"] and not facts["flooded"] and facts["signal"] is None


def _parse_records(out: bytes, secret: bytes) -> tuple[list[tuple[Any, ...]], bool]:
    """Records carrying our secret, in order; stop at the first line that does not."""
    records: list[tuple[Any, ...]] = []
    for line in out.split(b"\n"):
        if not line:
            continue
        prefix, _, body = line.partition(b" ")
        if not hmac.compare_digest(prefix, secret):
            break
        try:
            record = ast.literal_eval(body.decode("utf-8"))
        except (ValueError, SyntaxError, UnicodeDecodeError, MemoryError, RecursionError):
            break
        if not isinstance(record, tuple) or not record:
            break
        if record == ("done",):
            return records, True
        records.append(record)
    return records, False


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _kill_uid(uid: int, python: str) -> None:
    """SIGKILL every process running as ``uid`` (a process of that uid doing kill(-1))."""
    script = "import os\nfor _ in range(5):\n    os.kill(-1, 9)\n"
    try:
        subprocess.run(
            [python, "-I", "-S", "-c", script],
            user=uid,
            group=uid,
            extra_groups=[],
            capture_output=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        pass


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")
