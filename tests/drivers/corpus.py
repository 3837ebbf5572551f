"""Run the hostile-program corpus (``tests/hostile/``) and tally what the sandbox contained.

Each corpus file is a candidate solution for ``solve(x) == x + 1`` that attacks instead: it tries
to escape (environment, files, network, signals, ctypes, leftover processes), exhaust a resource,
or forge a passing result. It is run with ``Sandbox.run_tests`` against the tests in its header.
It counts as *contained* when every test is reported failed with a reason and the host shows no
trace of the attack: no process outlives the run, the decoy process is alive, nothing was written
outside the sandbox, nobody connected to our listening socket.

Header of a corpus file (comment lines at the top)::

    # category: escape | resource | forgery
    # test: assert solve(1) == 2          (one or more)
    # expect: timeout                     (optional: text the failure reason must contain)
    # fallback: contained | root | breached   (what the rlimits fallback achieves: always, only
    #                                          when it runs as root (code gets a uid of its own),
    #                                          or not at all)
    # known-gap: <why>                    (optional: an attack the sandbox does not stop)

Placeholders replaced before running: ``__TOKEN__`` (unique per run: name any file or process
the attack leaves behind with it), ``__CANARY_ENV__`` / ``__CANARY__`` (a secret set in our
environment and in the decoy's), ``__PROJECT_FILE__``, ``__OUTSIDE_DIR__`` (a world-writable
directory outside the sandbox), ``__PORT__`` (a loopback port we listen on), ``__VICTIM_PID__``
(the decoy process to kill).

An attack is only ever run where the sandbox is meant to contain it (or where it is a documented
known gap, all of which are harmless): ``escape_kill_processes`` outside of any isolation would
SIGKILL every process of the user. The whole corpus is refused when code would run as root.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from reflexion.errors import TaskError
from reflexion.sandbox.errors import SandboxError
from reflexion.sandbox.limits import Limits
from reflexion.sandbox.results import TestResult
from reflexion.sandbox.sandbox import Sandbox

CATEGORIES = ("escape", "resource", "forgery")
FALLBACK_EXPECTATIONS = ("contained", "root", "breached")
CANARY_ENV = "OPENAI_API_KEY"
CORPUS_LIMITS = Limits(timeout_s=2.0, cpu_s=3.0, memory_mb=256, max_processes=16, output_bytes=1 << 16)


@dataclass(frozen=True)
class HostileProgram:
    """One file of the corpus."""

    name: str
    category: str
    description: str
    tests: list[str]
    source: str
    expect: str | None = None
    fallback: str = "contained"
    known_gap: str | None = None

    def expected_contained(self, sandbox: Sandbox) -> bool:
        """Whether ``sandbox`` is meant to contain this attack."""
        if self.known_gap:
            return False
        if sandbox.isolation == "bubblewrap":
            return True
        return self.fallback == "contained" or (self.fallback == "root" and sandbox.separate_uid)


@dataclass(frozen=True)
class Outcome:
    """What happened when one hostile program ran."""

    program: HostileProgram
    isolation: str
    results: list[TestResult]
    breaches: list[str] = field(default_factory=list)  # host-side evidence the attack worked
    duration_s: float = 0.0
    skipped: str | None = None  # why it was not run (an attack this isolation does not stop)

    @property
    def reported(self) -> bool:
        """Every test failed, with a reason (and the expected one, if the header names it)."""
        expect = self.program.expect
        return all(
            not r.passed and bool(r.reason) and (expect is None or expect.lower() in r.reason.lower())
            for r in self.results
        )

    @property
    def contained(self) -> bool:
        return self.skipped is None and self.reported and not self.breaches

    def summary(self) -> str:
        if self.skipped:
            return f"{self.program.category}/{self.program.name}: not run ({self.skipped})"
        reasons = "; ".join(sorted({r.reason or "passed" for r in self.results}))
        status = "contained" if self.contained else "NOT contained"
        extra = f" [{', '.join(self.breaches)}]" if self.breaches else ""
        return f"{self.program.category}/{self.program.name}: {status} ({reasons}){extra}"


@dataclass(frozen=True)
class CategoryTally:
    category: str
    tried: int
    contained: int


def load_corpus(path: str | Path) -> list[HostileProgram]:
    """Every ``*.py`` in ``path`` (not ``test_*`` or ``_*`` files), sorted by name."""
    folder = Path(path)
    if not folder.is_dir():
        raise TaskError(f"hostile corpus folder not found: {folder}")
    files = sorted(p for p in folder.glob("*.py") if not p.name.startswith(("test_", "_", "conftest")))
    return [parse_program(p) for p in files]


def parse_program(path: Path) -> HostileProgram:
    source = path.read_text(encoding="utf-8")
    header: dict[str, list[str]] = {}
    description = ""
    for line in source.splitlines():
        if line.startswith('"""') and not description:
            description = line.strip('"').strip()
            continue
        if not line.startswith("# ") or ":" not in line:
            if header:
                break
            continue
        key, _, value = line[2:].partition(":")
        header.setdefault(key.strip(), []).append(value.strip())
    category = _single(header, "category", path)
    if category not in CATEGORIES:
        raise TaskError(f"{path}: category must be one of {', '.join(CATEGORIES)}, got {category!r}")
    fallback = header.get("fallback", ["contained"])[0]
    if fallback not in FALLBACK_EXPECTATIONS:
        raise TaskError(f"{path}: fallback must be one of {', '.join(FALLBACK_EXPECTATIONS)}, got {fallback!r}")
    tests = header.get("test", [])
    if not tests:
        raise TaskError(f"{path}: needs at least one '# test:' line")
    return HostileProgram(
        name=path.stem,
        category=category,
        description=description,
        tests=tests,
        source=source,
        expect=header.get("expect", [None])[0],
        fallback=fallback,
        known_gap=header.get("known-gap", [None])[0],
    )


def _single(header: dict[str, list[str]], key: str, path: Path) -> str:
    values = header.get(key)
    if not values:
        raise TaskError(f"{path}: missing '# {key}:' header line")
    return values[0]


def run_corpus(path: str | Path, sandbox: Sandbox | None = None) -> list[Outcome]:
    """Run every program of the corpus in ``sandbox`` (default: corpus limits, a private uid block)."""
    sandbox = sandbox or corpus_sandbox()
    return [run_program(program, sandbox) for program in load_corpus(path)]


def corpus_sandbox(isolation: str | None = None) -> Sandbox:
    """A sandbox with short limits and its own uid block (so leftovers can be found by uid)."""
    return Sandbox(CORPUS_LIMITS, isolation=isolation, uids=private_uids())


def private_uids() -> range:
    """A random block of uids no other sandbox uses: a live process with one is our leftover."""
    start = 1_800_000_000 + secrets.randbelow(1 << 16) * 4096
    return range(start, start + 4096)


def run_program(program: HostileProgram, sandbox: Sandbox) -> Outcome:
    """Run one attack in ``sandbox`` and collect the host-side evidence (see module docstring)."""
    isolation = sandbox.isolation.split(" ")[0]
    if sandbox.runs_code_as_root:
        raise SandboxError("refusing to run hostile programs: this sandbox would run them as root without bubblewrap")
    if not program.expected_contained(sandbox) and not program.known_gap:
        return Outcome(program, isolation, [], skipped=f"{isolation} does not defend against it")
    token = f"hostile-{secrets.token_hex(8)}"
    canary = f"sk-canary-{secrets.token_hex(12)}"
    with _decoy(canary) as victim, _listener() as listener, _outside_dir() as outside, _env(CANARY_ENV, canary):
        source = _fill(program.source, token, canary, victim.pid, listener.getsockname()[1], outside)
        tests = [_fill(test, token, canary, victim.pid, listener.getsockname()[1], outside) for test in program.tests]
        started = time.monotonic()
        results = sandbox.run_tests(source, tests)
        duration = time.monotonic() - started
        breaches = _lingering(token, sandbox)
        if victim.poll() is not None:
            breaches.append("decoy process was killed")
        if _accepted(listener):
            breaches.append("connected to the host's loopback")
        breaches += [f"wrote {p}" for p in _written(token, outside)]
        breaches += [f"test passed: {r.test}" for r in results if r.passed]
    return Outcome(program, isolation, results, breaches, duration)


def tally(outcomes: list[Outcome]) -> list[CategoryTally]:
    """Contained / tried per category, in ``CATEGORIES`` order."""
    rows = []
    for category in CATEGORIES:
        mine = [o for o in outcomes if o.program.category == category]
        if mine:
            rows.append(CategoryTally(category, len(mine), sum(o.contained for o in mine)))
    return rows


def format_table(rows: list[CategoryTally]) -> str:
    lines = [f"{'category':<10} {'contained':>9} {'tried':>5}"]
    lines += [f"{r.category:<10} {r.contained:>9} {r.tried:>5}" for r in rows]
    lines.append(f"{'total':<10} {sum(r.contained for r in rows):>9} {sum(r.tried for r in rows):>5}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------- host-side evidence


def _fill(text: str, token: str, canary: str, victim: int, port: int, outside: Path) -> str:
    replacements = {
        "__TOKEN__": token,
        "__CANARY_ENV__": CANARY_ENV,
        "__CANARY__": canary,
        "__PROJECT_FILE__": str(project_file()),
        "__OUTSIDE_DIR__": str(outside),
        "__PORT__": str(port),
        "__VICTIM_PID__": str(victim),
    }
    for placeholder, value in replacements.items():
        text = text.replace(placeholder, value)
    return text


def project_file() -> Path:
    """A real file of this project, which sandboxed code must not be able to read."""
    root = Path(__file__).resolve().parents[2]
    candidate = root / "pyproject.toml"
    return candidate if candidate.exists() else Path(__file__).resolve()


@contextmanager
def _decoy(canary: str) -> Iterator[subprocess.Popen[bytes]]:
    """A process outside the sandbox holding the canary in its environment: a target to kill or read."""
    env = {**os.environ, CANARY_ENV: canary}
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"], env=env)
    try:
        yield process
    finally:
        process.kill()
        process.wait()


@contextmanager
def _listener() -> Iterator[socket.socket]:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.setblocking(False)
    try:
        yield server
    finally:
        server.close()


def _accepted(server: socket.socket) -> bool:
    try:
        connection, _ = server.accept()
    except (BlockingIOError, OSError):
        return False
    connection.close()
    return True


@contextmanager
def _outside_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="reflexion-outside-"))
    path.chmod(0o777)  # writable by anyone: only isolation, not permissions, may keep the code out
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@contextmanager
def _env(name: str, value: str) -> Iterator[None]:
    old = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = old


def _written(token: str, outside: Path) -> list[Path]:
    places = [outside, Path(tempfile.gettempdir()), Path("/var/tmp"), Path("/dev/shm"), project_file().parent]
    found = []
    for place in places:
        try:
            found += [p for p in place.iterdir() if token in p.name]
        except OSError:
            continue
    for path in found:
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
    return found


def _lingering(token: str, sandbox: Sandbox) -> list[str]:
    """Live processes carrying the token in their command line, or running as a sandbox uid."""
    uids = sandbox.uid_block if os.geteuid() == 0 else range(0)
    deadline = time.monotonic() + 2.0
    while True:
        found = [f"process {pid} outlived the run" for pid in _find_processes(token.encode(), uids)]
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.05)  # SIGKILLed processes take a moment to disappear


def _find_processes(token: bytes, uids: range) -> list[int]:
    me = os.getpid()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == me:
            continue
        try:
            status = Path(f"/proc/{entry}/status").read_bytes()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        fields = dict(line.split(b":", 1) for line in status.splitlines() if b":" in line)
        if fields.get(b"State", b"").strip().startswith(b"Z"):
            continue
        uid = int(fields.get(b"Uid", b"-1").split()[0])
        if token in cmdline or uid in uids:
            found.append(int(entry))
    return found
