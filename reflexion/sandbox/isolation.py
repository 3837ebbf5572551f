"""How the harness process is started: inside bubblewrap, or (fallback) as a plain subprocess.

Bubblewrap gives the harness a private mount, PID, network, IPC and UTS namespace: a read-only
view of only what the interpreter needs (``/usr``, the ``/lib*`` links, the base interpreter's
prefix), fresh ``/tmp`` and ``/scratch`` tmpfs, an empty environment, and no network. The project,
``/root``, ``/work`` and any ``.env`` are simply not there. The fallback starts the same harness
with resource limits and a clean environment only, and says so once in the log.
"""

from __future__ import annotations

import functools
import logging
import marshal
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from reflexion.sandbox.errors import SandboxError

log = logging.getLogger(__name__)

Mode = Literal["auto", "bubblewrap", "rlimits"]
MODES: tuple[Mode, ...] = ("auto", "bubblewrap", "rlimits")
ENV_VAR = "REFLEXION_SANDBOX"  # "rlimits" forces the fallback, "bubblewrap" requires bubblewrap

HARNESS = Path(__file__).with_name("_harness.py")
INSIDE_HARNESS = "/sandbox/harness.py"
INSIDE_SCRATCH = "/scratch"
PYTHON_FLAGS = ["-I", "-S", "-B"]  # isolated, no site (10x faster start), no .pyc writes
SYSTEM_LINKS = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
SYSTEM_FILES = ("/etc/ld.so.cache", "/etc/localtime")
# Capabilities the harness keeps as root inside the sandbox: to drop the children to their own uid,
# to kill them, and to wipe whatever they left in the scratch directories. Children keep none.
HARNESS_CAPS = ("CAP_SETUID", "CAP_SETGID", "CAP_KILL", "CAP_DAC_OVERRIDE", "CAP_FOWNER")
SANDBOX_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"}

# Reads the marshalled harness (length-prefixed) from stdin and runs it as __main__.
BOOTSTRAP = """import marshal, os
def _read(n):
    data = b""
    while len(data) < n:
        chunk = os.read(0, n - len(data))
        if not chunk:
            raise SystemExit("sandbox bootstrap: stdin ended early")
        data += chunk
    return data
exec(marshal.loads(_read(int.from_bytes(_read(8), "big"))))
"""

_warned: set[str] = set()


@dataclass(frozen=True)
class Launch:
    """Everything needed to start one harness process."""

    argv: list[str]
    cwd: str | None
    env: dict[str, str]
    settings: dict[str, object] = field(default_factory=dict)  # goes into the harness config
    preamble: bytes = b""  # written to its stdin before the job: the compiled harness, if any


@dataclass(frozen=True)
class Isolation:
    """A way of starting the harness; ``description`` is what ``Sandbox.isolation`` reports."""

    kind: Literal["bubblewrap", "rlimits"]
    description: str
    python: str  # the interpreter started inside
    separate_uid: bool  # we are root: run untrusted code as a uid of its own
    bwrap: str | None = None

    @property
    def fallback(self) -> bool:
        return self.kind == "rlimits"

    def launch(self, scratch_mb: float, host_scratch: str | None) -> Launch:
        python = self.python
        # Our own interpreter inside: send the harness compiled (compiling it costs more than
        # starting the interpreter does). Another one (the fallback's public python) reads the file.
        same = python == base_python()
        preamble = harness_bytecode() if same else b""
        if self.kind == "bubblewrap":
            assert self.bwrap is not None
            argv = bwrap_argv(self.bwrap, python, scratch_bytes=int(scratch_mb * (1 << 20)))
            argv += [python, *PYTHON_FLAGS, *(["-c", BOOTSTRAP] if same else [INSIDE_HARNESS])]
            settings = {
                "scratch": INSIDE_SCRATCH,
                "wipe": [INSIDE_SCRATCH, "/tmp"],
                "cleanup": "pid1",
                "fallback": False,
                "isolate_network": False,
            }
            return Launch(argv, None, {}, settings, preamble)
        if host_scratch is None:
            raise SandboxError("the rlimits fallback needs a scratch directory")
        env = {**SANDBOX_ENV, "HOME": host_scratch, "TMPDIR": host_scratch}
        settings = {
            "scratch": host_scratch,
            "wipe": [host_scratch],
            "cleanup": "subreaper",
            "fallback": True,
            "isolate_network": True,
        }
        argv = [python, *PYTHON_FLAGS, *(["-c", BOOTSTRAP] if same else [str(HARNESS)])]
        return Launch(argv, host_scratch, env, settings, preamble)


def choose(mode: str | None = None) -> Isolation:
    """Bubblewrap when it works here, else the fallback (logged once). ``mode`` overrides ``$REFLEXION_SANDBOX``."""
    chosen = mode or os.environ.get(ENV_VAR) or "auto"
    if chosen not in MODES:
        raise SandboxError(f"sandbox isolation must be one of {', '.join(MODES)}, got {chosen!r}")
    if chosen == "rlimits":
        source = "isolation='rlimits'" if mode else f"{ENV_VAR}=rlimits"
        return _fallback(f"disabled by {source}")
    bwrap = shutil.which("bwrap")
    problem = "bwrap not found on PATH" if bwrap is None else probe_bubblewrap(bwrap, base_python())
    if problem is None:
        return Isolation("bubblewrap", "bubblewrap", base_python(), os.geteuid() == 0, bwrap)
    if chosen == "bubblewrap":
        raise SandboxError(f"bubblewrap is required but not usable: {problem}; install bubblewrap or use isolation='auto'")
    return _fallback(problem)


def _fallback(reason: str) -> Isolation:
    description = f"rlimits (bubblewrap not available: {reason})"
    python = base_python()
    separate_uid = os.geteuid() == 0
    if separate_uid and not _open_to_all(python):
        # A uid of its own cannot read an interpreter under /root (pyenv): find a public one.
        python = _public_python() or python
        separate_uid = _open_to_all(python)
    if reason not in _warned:
        _warned.add(reason)
        log.warning(
            "sandbox: bubblewrap not available (%s); generated code runs with resource limits, a clean "
            "environment and process-tree kill only: it can read files this user can read%s",
            reason,
            "" if separate_uid or os.geteuid() != 0 else "; and it runs as root, so the process limit does not apply",
        )
    return Isolation("rlimits", description, python, separate_uid)


def _public_python() -> str | None:
    """An interpreter of our version that any uid can run, with its standard library."""
    name = f"python{sys.version_info.major}.{sys.version_info.minor}"
    found = shutil.which(name, path="/usr/local/bin:/usr/bin:/bin")
    return os.path.realpath(found) if found and _open_to_all(os.path.realpath(found)) else None


def _open_to_all(python: str) -> bool:
    """Whether another uid can reach the interpreter and its prefix (every parent directory 'o+x')."""
    prefix = Path(python).parent.parent
    paths = [Path(python), prefix, *prefix.parents]
    try:
        return all(path.stat().st_mode & 0o001 for path in paths if path.is_dir()) and bool(
            Path(python).stat().st_mode & 0o001
        )
    except OSError:
        return False


@functools.cache
def probe_bubblewrap(bwrap: str, python: str) -> str | None:
    """Start the interpreter inside the real sandbox once; return why that failed, or None."""
    argv = [*bwrap_argv(bwrap, python, scratch_bytes=1 << 20), python, *PYTHON_FLAGS, "-c", "print('ok')"]
    try:
        done = subprocess.run(argv, capture_output=True, timeout=30, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"{type(error).__name__}: {error}"
    if done.returncode == 0 and done.stdout.strip() == b"ok":
        return None
    detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
    return detail[-1] if detail else f"bwrap exited with {done.returncode}"


@functools.cache
def harness_bytecode() -> bytes:
    """The harness, compiled once per process, length-prefixed for ``BOOTSTRAP``."""
    code = marshal.dumps(compile(HARNESS.read_text(encoding="utf-8"), str(HARNESS), "exec"))
    return len(code).to_bytes(8, "big") + code


@functools.cache
def base_python() -> str:
    """The base interpreter (not the venv's): its prefix is all the sandbox has to expose."""
    return os.path.realpath(getattr(sys, "_base_executable", None) or sys.executable)


def bwrap_argv(bwrap: str, python: str, *, scratch_bytes: int) -> list[str]:
    root = os.geteuid() == 0
    argv = [
        bwrap,
        "--die-with-parent",  # our death kills the sandbox
        "--new-session",  # no terminal to inject input into
        "--clearenv",
        "--unshare-pid",
        "--unshare-net",
        "--unshare-ipc",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--as-pid-1",  # the harness is init: kill(-1) reaches every process the code starts
    ]
    if root:
        # Real root needs no user namespace; the harness drops each child to a uid of its own.
        argv += ["--cap-drop", "ALL"]
        for cap in HARNESS_CAPS:
            argv += ["--cap-add", cap]
    else:
        argv += ["--unshare-user"]
    argv += ["--ro-bind", "/usr", "/usr"]
    for path in SYSTEM_LINKS:
        if os.path.islink(path):
            argv += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            argv += ["--ro-bind", path, path]
    for path in SYSTEM_FILES:
        if os.path.exists(path):
            argv += ["--ro-bind", path, path]
    for prefix in _interpreter_dirs(python):
        # Parents are created as they are on the host (/root is 0700): open them for the children.
        for parent in reversed(Path(prefix).parents[:-1]):
            argv += ["--perms", "0755", "--dir", str(parent)]
        argv += ["--ro-bind", prefix, prefix]
    argv += ["--ro-bind", str(HARNESS), INSIDE_HARNESS]
    argv += ["--proc", "/proc", "--dev", "/dev"]
    for path in ("/tmp", INSIDE_SCRATCH):
        argv += ["--perms", "1777", "--size", str(scratch_bytes), "--tmpfs", path]
    argv += ["--chdir", INSIDE_SCRATCH]
    for name, value in {**SANDBOX_ENV, "HOME": INSIDE_SCRATCH, "TMPDIR": "/tmp"}.items():
        argv += ["--setenv", name, value]
    return argv


def _interpreter_dirs(python: str) -> list[str]:
    """Directories outside /usr that the interpreter needs (a pyenv or conda prefix)."""
    candidates = {os.path.realpath(sys.base_prefix), os.path.realpath(sys.base_exec_prefix)}
    if not any(python.startswith(prefix + os.sep) for prefix in candidates):
        candidates.add(os.path.dirname(os.path.dirname(python)))
    return sorted(p for p in candidates if p != "/usr" and not p.startswith("/usr/") and os.path.isdir(p))
