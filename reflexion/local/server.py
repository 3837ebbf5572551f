"""Run llama.cpp's OpenAI-compatible server as a child process for the length of a ``with`` block.

The child gets its own process group (so a terminal's Ctrl-C reaches only us, and stopping kills
everything it started), writes its log to a file (a pipe nobody reads would fill up and stall it),
and watches its parent so that it dies with us even when we are SIGKILLed (see ``child.py``).
"""

from __future__ import annotations

import atexit
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path
from types import FrameType, TracebackType
from typing import IO, Any

from reflexion.errors import SettingsError
from reflexion.interrupts import register_cleanup

HOST = "127.0.0.1"
THREADS_ENV = "REFLEXION_LOCAL_THREADS"
CTX_ENV = "REFLEXION_LOCAL_CTX"
CACHE_ENV = "REFLEXION_LOCAL_PROMPT_CACHE_MB"
LOOKUP_ENV = "REFLEXION_LOCAL_LOOKUP"
# Off: llama-cpp-python 0.3.36's RAM cache keeps a copy of its logits buffer (batch x
# vocabulary floats: about 300 MB for Qwen2.5) with every saved prompt, and counts none
# of it against its capacity; a HumanEval bench grew the server to 13-16 GB in 20 minutes and the
# OOM killer ended it. It saved 7% of the time of a retry (docs/local-model.md).
DEFAULT_PROMPT_CACHE_MB = 0
DEFAULT_LOOKUP_TOKENS = 0  # prompt-lookup decoding measured slower here, and its output differed
# Read by reflexion.local.child: the process to watch, and the log to remove if that process dies.
PARENT_PID_ENV = "REFLEXION_PARENT_PID"
LOG_ENV = "REFLEXION_SERVER_LOG"
# SmolLM2 was trained with 8k context; the KV cache for it is under 200 MB for the 135M model, and
# Reflexion prompts grow with each reflection, so a short context would fail long runs.
DEFAULT_N_CTX = 8192
DEFAULT_STARTUP_TIMEOUT_S = 120.0
STOP_GRACE_S = 5.0
LOG_TAIL_LINES = 15


def free_port(host: str = HOST) -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _env_int(name: str, default: int, *, minimum: int = 0, env: Mapping[str, str] | None = None) -> int:
    raw = (os.environ if env is None else env).get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < minimum:
        raise SettingsError(f"{name} must be a whole number of at least {minimum}, got {raw!r}")
    return int(raw)


def default_threads(env: Mapping[str, str] | None = None) -> int:
    """``$REFLEXION_LOCAL_THREADS``, else half the cores we may use (1 on 2 cores), at most 4.

    llama.cpp's threads spin while they wait for each other, so one thread more than the machine has
    free makes every call several times slower (measured on 2 shared, busy cores: a 758-token prompt
    with a 300-token reply took 80 s with 2 threads, 19 s with 1). A 135M model gains little past 4.
    """
    env = os.environ if env is None else env
    raw = env.get(THREADS_ENV)
    if raw:
        if not raw.isdigit() or int(raw) < 1:
            raise SettingsError(f"{THREADS_ENV} must be a positive whole number, got {raw!r}")
        return int(raw)
    affinity = getattr(os, "sched_getaffinity", None)
    cores = len(affinity(0)) if affinity else os.cpu_count() or 1
    return max(1, min(4, cores // 2))


class LocalServer:
    """``with LocalServer(path) as server:`` serves ``path`` at ``server.base_url`` until the block ends."""

    def __init__(
        self,
        gguf: str | Path,
        *,
        port: int | None = None,
        n_ctx: int | None = None,
        n_threads: int | None = None,
        prompt_cache_mb: int | None = None,
        lookup_tokens: int | None = None,
        startup_timeout_s: float = DEFAULT_STARTUP_TIMEOUT_S,
        verbose: bool = False,
    ) -> None:
        """Settings left ``None`` come from the environment, then the defaults (docs/local-model.md):
        ``n_ctx`` ($REFLEXION_LOCAL_CTX), ``n_threads`` ($REFLEXION_LOCAL_THREADS), ``prompt_cache_mb``
        ($REFLEXION_LOCAL_PROMPT_CACHE_MB: RAM for saved prompt states, 0 turns it off) and
        ``lookup_tokens`` ($REFLEXION_LOCAL_LOOKUP: prompt-lookup speculative decoding, tokens
        drafted per step, 0 turns it off)."""
        self.gguf = Path(gguf)
        self.model = self.gguf.stem  # the name clients send; the server answers to it (model_alias)
        self.port = port or free_port()
        self.n_ctx = n_ctx or _env_int(CTX_ENV, DEFAULT_N_CTX, minimum=256)
        self.n_threads = n_threads or default_threads()
        self.prompt_cache_mb = _env_int(CACHE_ENV, DEFAULT_PROMPT_CACHE_MB) if prompt_cache_mb is None else prompt_cache_mb
        self.lookup_tokens = _env_int(LOOKUP_ENV, DEFAULT_LOOKUP_TOKENS) if lookup_tokens is None else lookup_tokens
        self.startup_timeout_s = startup_timeout_s
        self.verbose = verbose  # llama.cpp's model dump and per-call timings in the log (errors are always there)
        self.log_path: Path | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._previous_sigterm: Any = None
        self._unregister_interrupt: Callable[[], object] = lambda: None

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}/v1"

    def command(self) -> list[str]:
        """The server's command line (tests override it with a fake server)."""
        return [
            sys.executable, "-m", "reflexion.local.child", "llama_cpp.server",
            "--model", str(self.gguf), "--model_alias", self.model,
            "--host", HOST, "--port", str(self.port),
            "--n_ctx", str(self.n_ctx),
            "--n_threads", str(self.n_threads), "--n_threads_batch", str(self.n_threads),
            "--verbose", str(self.verbose),
            *(["--cache", "True", "--cache_type", "ram", "--cache_size", str(self.prompt_cache_mb << 20)] if self.prompt_cache_mb else []),
            *(["--draft_model", "prompt-lookup-decoding", "--draft_model_num_pred_tokens", str(self.lookup_tokens)]
              if self.lookup_tokens else []),
        ]  # fmt: skip

    # -- lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> LocalServer:
        self.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    def start(self) -> None:
        """Start the server and wait until it answers; on any failure nothing is left running."""
        if self.process is not None:
            raise RuntimeError("this LocalServer is already started")
        fd, name = tempfile.mkstemp(prefix=f"reflexion-local-{self.port}-", suffix=".log")
        self.log_path, self._log = Path(name), os.fdopen(fd, "wb")
        try:
            self.process = subprocess.Popen(
                self.command(),
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                env={**os.environ, PARENT_PID_ENV: str(os.getpid()), LOG_ENV: name},
            )
            atexit.register(self.stop)
            # The CLI's Ctrl-C/SIGTERM handler exits at once (reflexion.interrupts): stop us first.
            self._unregister_interrupt = register_cleanup(self._kill_before_exit)
            self._stop_on_sigterm()
            self._wait_until_ready()
        except BaseException:  # Ctrl-C while the model loads must not leave it behind either
            self.stop(keep_log=True)
            raise

    def stop(self, *, keep_log: bool = False) -> None:
        """Stop the server and everything it started. Safe to call twice."""
        process, self.process = self.process, None
        if process is not None:
            atexit.unregister(self.stop)
            self._unregister_interrupt()
            keep_log = keep_log or process.poll() is not None  # it died on its own: the log says why
            _kill_group(process)
        self._restore_sigterm()
        if self._log is not None:
            self._log.close()
            self._log = None
            if not keep_log and self.log_path is not None:
                self.log_path.unlink(missing_ok=True)

    def wait(self) -> int:
        """Block until the server exits (for ``reflexion serve-local``); its exit code. Polls rather
        than ``Popen.wait()``, which holds the process's wait lock while it blocks: a signal handler
        that stops the server from inside it would wait for that lock for ever."""
        if self.process is None:
            raise RuntimeError("this LocalServer is not running")
        while (code := self.process.poll()) is None:
            time.sleep(0.2)
        return code

    def _kill_before_exit(self) -> None:
        """:meth:`stop` for the CLI's signal handler, which exits right after: the same signals, but
        without ``Popen``'s wait lock (the code the signal interrupted may hold it) and without
        reaping (the process is about to exit)."""
        process = self.process
        if process is None:
            return
        _terminate_group(process.pid)
        if self.log_path is not None:
            self.log_path.unlink(missing_ok=True)  # stopped on purpose, as stop() does

    # -- readiness ---------------------------------------------------------------------------

    def _wait_until_ready(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + self.startup_timeout_s
        while time.monotonic() < deadline:
            code = self.process.poll()
            if code is not None:
                raise SettingsError(f"the local model server exited with code {code} while starting{self._log_tail()}")
            if self._serves_our_model():
                return
            time.sleep(0.25)
        raise SettingsError(
            f"the local model server did not answer on {self.base_url} within {self.startup_timeout_s:.0f} s{self._log_tail()}"
        )

    def _serves_our_model(self) -> bool:
        # Checking the model name, not just "something answers", guards against another server on the port.
        try:
            with urllib.request.urlopen(f"{self.base_url}/models", timeout=2) as reply:
                listing = json.load(reply)
        except (OSError, ValueError):  # not listening yet, reset, timeout, half-written JSON
            return False
        return any(entry.get("id") == self.model for entry in listing.get("data", []) if isinstance(entry, dict))

    def _log_tail(self) -> str:
        if self._log is not None:
            self._log.flush()
        try:
            lines = self.log_path.read_text(errors="replace").splitlines() if self.log_path else []
        except OSError:
            lines = []
        if not lines:
            return " (the server log is empty)"
        tail = "\n  ".join(lines[-LOG_TAIL_LINES:])
        return f"; last lines of {self.log_path}:\n  {tail}"

    # -- SIGTERM -----------------------------------------------------------------------------

    def _stop_on_sigterm(self) -> None:
        # Python's default SIGTERM action exits without unwinding, so `with` blocks would never stop
        # the server. Turn it into SystemExit, but only where nobody chose a handler already.
        if threading.current_thread() is not threading.main_thread():
            return
        if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
            self._previous_sigterm = signal.signal(signal.SIGTERM, _exit_on_sigterm)

    def _restore_sigterm(self) -> None:
        if self._previous_sigterm is not None and threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, self._previous_sigterm)
            self._previous_sigterm = None


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """:func:`_terminate_group`, then reap the child."""
    _terminate_group(process.pid)  # the child leads its own group (start_new_session)
    process.kill()  # in case the group is not what we think it is; a no-op once it has exited
    process.wait()


def _terminate_group(pgid: int) -> None:
    """SIGTERM the process group, SIGKILL it after a grace period. Lock-free (no ``Popen.wait``),
    so the CLI's signal handler can call it whatever the code it interrupted holds."""
    _signal_group(pgid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_S
    while time.monotonic() < deadline and _group_alive(pgid):
        time.sleep(0.05)
    # Also after a clean exit: whatever the server may have started must not outlive it. (A group id
    # stays reserved while any member lives, so this cannot hit an unrelated process.)
    _signal_group(pgid, signal.SIGKILL)


def _group_alive(pgid: int) -> bool:
    """Whether any process of the group is still running (the leader is reaped first if it has
    exited: a zombie awaiting its reap would count as alive)."""
    try:
        os.waitpid(pgid, os.WNOHANG)
    except ChildProcessError:
        pass  # reaped already, or not our child
    try:
        os.killpg(pgid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass  # the group is gone already
