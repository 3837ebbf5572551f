"""The trusted half of the sandbox: the parent of every process that runs untrusted code.

Started as a script (``python -I -S -B _harness.py``) inside the isolation, never imported by the
project. Stdlib only, and only modules that cost nothing to import, because it starts once per
execution. It reads its job from stdin (a per-run secret, then a marshalled config), then forks one
child per unit: each test (the program, then that test), or the script for ``Sandbox.run``.
The child drops privileges, applies the resource limits and only then runs untrusted code. The
harness itself never runs untrusted code: it supervises each child (wall-clock deadline, output
cap), kills every process the child left behind, wipes the scratch directories, and writes one
authenticated record per unit to stdout, a pipe the children cannot reach.

Records on stdout: ``<secret-hex> <repr(tuple)>\\n``; the parent checks the secret and parses the
tuple with ``ast.literal_eval``. A child reports its outcome on a private pipe (fd 3) as
``<nonce>\\0<PASS|FAIL|EXC>\\0<reason>\\0<actual>\\0`` (preceded by ``L`` once the program has run;
a NUL inside a field is escaped); a per-child random nonce is required, so a program that blindly
writes to every descriptor forges nothing. Only the child itself can report: fd 3 is closed in every
process it forks and on exec, so the reports of a test's own forks never mix with its result.
See docs/sandbox.md for what this does and does not defend.
"""

import builtins
import marshal
import os
import resource
import select
import sys
import time

# Bound before any untrusted code exists: the child's reporting path must not go through names that
# user code can rebind (builtins, os attributes).
_BUILTINS = dict(builtins.__dict__)
_write, _exit, _dup2, _close, _at_fork = os.write, os._exit, os.dup2, os.close, os.register_at_fork
_repr, _type, _str, _len, _isinstance, _id = repr, type, str, len, isinstance, id
_BaseException, _AssertionError = BaseException, AssertionError

RESULT_FD = 3
LOADED = b"L"
NONCE_BYTES = 16
MAX_RECORD = 1 << 16
MAX_TEXT = 2000
CHILD_SETUP_FAILED = 120

# Plain data: types whose comparisons run no user code.
_PLAIN = (int, float, complex, str, bytes, bool, type(None), list, tuple, dict, set, frozenset)
_COMPARE_DUNDERS = {
    "==": ("__eq__", "__ne__"),
    "!=": ("__eq__", "__ne__"),
    "<": ("__lt__", "__gt__", "__le__", "__ge__"),
    "<=": ("__lt__", "__gt__", "__le__", "__ge__"),
    ">": ("__lt__", "__gt__", "__le__", "__ge__"),
    ">=": ("__lt__", "__gt__", "__le__", "__ge__"),
    "in": ("__contains__", "__iter__", "__getitem__", "__eq__"),
    "not in": ("__contains__", "__iter__", "__getitem__", "__eq__"),
}
_STDLIB = os.path.dirname(os.__file__) + os.sep
_FUNCTION = type(lambda: None)


# ---------------------------------------------------------------- test-side helpers
# Rewritten test asserts call these (see reflexion/sandbox/asserts.py). They only add detail
# (the actual value) and a check against forged comparisons; the rewritten code still raises
# AssertionError itself when the comparison is false.


class AssertFailure(AssertionError):
    """A failed ``assert left <op> right``; carries the repr of the left-hand side."""

    def __init__(self, message, actual):
        AssertionError.__init__(self, *(() if message is None else (message,)))
        self.actual = actual


def assert_failed(op, left, message):
    actual = _safe_repr(left) if op == "==" else None
    raise AssertFailure(message, actual)


def assert_trusted(op, left, right):
    """Fail a true comparison that was decided by user-defined code against plain data.

    Catches the 'always equal' object (``__eq__`` returns True) and its relatives, also nested
    inside lists or dicts, without failing legitimate comparisons of two user objects.
    """
    dunders = _COMPARE_DUNDERS.get(op)
    if dunders is None:
        return
    for suspect, other in ((left, right), (right, left)):
        culprit = _untrusted_class(suspect, dunders)
        if culprit is not None and _is_plain(other):
            raise AssertFailure(
                f"untrusted comparison: {culprit[0]} defines its own {culprit[1]}",
                _safe_repr(left) if op == "==" else None,
            )


def _walk(value, limit=10000):
    stack, seen = [value], 0
    while stack and seen < limit:
        item = stack.pop()
        seen += 1
        yield item
        kind = _type(item)
        if kind in (list, tuple, set, frozenset):
            stack.extend(item)
        elif kind is dict:
            stack.extend(item.keys())
            stack.extend(item.values())


def _is_plain(value):
    return all(_type(item) in _PLAIN for item in _walk(value))


def _untrusted_class(value, dunders):
    for item in _walk(value):
        kind = _type(item)
        if kind in _PLAIN:
            continue
        for name in dunders:
            for klass in kind.__mro__:
                if name in klass.__dict__:
                    method = klass.__dict__[name]
                    if _isinstance(method, _FUNCTION) and not method.__code__.co_filename.startswith(_STDLIB):
                        return (kind.__qualname__, name)
                    break
    return None


def _safe_repr(value):
    try:
        text = _repr(value)
        if _type(text) is not _str:
            return "<unrepresentable>"
    except _BaseException as error:
        return f"<repr failed: {_type(error).__name__}>"
    return text if _len(text) <= MAX_TEXT else text[:MAX_TEXT] + "..."


def _describe(error):
    """``'ZeroDivisionError: division by zero'``; never lets a hostile ``__str__`` escape."""
    try:
        name = "AssertionError" if _type(error) is AssertFailure else _type(error).__name__
        detail = _str(error)
        if _type(detail) is not _str:
            detail = ""
    except _BaseException:
        name, detail = "Exception", ""
    if _type(name) is not _str:
        name = "Exception"
    text = name + (": " + detail if detail else "")
    return text if _len(text) <= MAX_TEXT else text[:MAX_TEXT] + "..."


# ---------------------------------------------------------------- the child (untrusted side)


def _audit_hook(event, args):
    """Refuse the tools for reading or rewriting the harness's memory from inside the process.

    Not a sandbox (Python has none in-process); it raises the cost of forging a result.
    """
    if event in _BLOCKED_EVENTS:
        raise RuntimeError(f"sandbox: {event} is not allowed")
    if event == "import" and args and args[0] in ("ctypes", "_ctypes"):
        raise ImportError("sandbox: ctypes is not available")
    if event == "open" and args and _isinstance(args[0], (str, bytes)):
        path = args[0] if _isinstance(args[0], str) else args[0].decode("utf-8", "replace")
        if path.startswith("/proc/") and path.rstrip("/").endswith(("/mem", "/map_files")):
            raise PermissionError(f"sandbox: {path} is not allowed")


_BLOCKED_EVENTS = frozenset(
    {
        "sys.settrace",
        "sys.setprofile",
        "sys._current_frames",
        "sys._current_exceptions",
        "gc.get_objects",
        "gc.get_referrers",
        "gc.get_referents",
        "ctypes.dlopen",
        "ctypes.dlsym",
        "ctypes.addressof",
        "ctypes.string_at",
        "ctypes.wstring_at",
        "ctypes.cdata",
        "ctypes.call_function",
    }
)


def _limit(which, value):
    soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(which, (value, value))


def _enter_child(cfg, stdin_fd, stdout_fd, stderr_fd, result_fd):
    """Make this freshly forked process a locked-down runner. Nothing untrusted has run yet."""
    # Descriptors: 0-2 as asked, the result pipe at 3, everything else closed (the harness's
    # stdout, where authenticated records go, is not reachable from here).
    _dup2(result_fd, RESULT_FD + 20)
    _dup2(stdin_fd, 0)
    _dup2(stdout_fd, 1)
    _dup2(stderr_fd, 2)
    # Not inherited across exec, and closed in every process forked from here: only this process
    # can report, so a test that forks (or a fork bomb) cannot mix its forks' reports, which carry
    # the same nonce, into this test's result.
    _dup2(RESULT_FD + 20, RESULT_FD, inheritable=False)
    _at_fork(after_in_child=_forget_result_pipe)
    if cfg["cleanup"] != "pid1":
        os.setpgid(0, 0)  # a group of its own, for one killpg at the end
    os.closerange(RESULT_FD + 1, 1 << 16)
    limits = cfg["limits"]
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    cpu = limits["cpu_s"]
    _limit(resource.RLIMIT_CPU, cpu + 1)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, resource.getrlimit(resource.RLIMIT_CPU)[1]))
    _limit(resource.RLIMIT_AS, limits["memory_bytes"])
    _limit(resource.RLIMIT_FSIZE, limits["file_size_bytes"])
    _limit(resource.RLIMIT_NOFILE, limits["open_files"])
    _limit(resource.RLIMIT_NPROC, limits["processes"] + cfg["nproc_baseline"])
    uid = cfg["uid"]
    if uid is not None:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
        if os.getuid() != uid or os.geteuid() != uid:
            raise OSError("could not drop privileges")
    os.chdir(cfg["scratch"])
    for name in [name for name in sys.modules if name == "ctypes" or name.startswith(("ctypes.", "_ctypes"))]:
        del sys.modules[name]
    sys.addaudithook(_audit_hook)


def _forget_result_pipe(close=_close, fd=RESULT_FD):
    """In every process forked from a child (``os.register_at_fork``): a fork must not report."""
    try:
        close(fd)
    except OSError:
        pass


def _field(text):
    """A report field: UTF-8, with NUL (the separator) escaped as the text ``\\x00``."""
    return text.encode("utf-8", "backslashreplace").replace(b"\0", b"\\x00")


def _child(cfg, unit, nonce, pipes):
    """Run one unit in this (forked) process and report on fd 3. Never returns."""
    write, leave, flush_failed = _write, _exit, False
    try:
        _enter_child(cfg, *pipes)
        source_tests = cfg["tests"]
        test_source = source_tests[unit] if _isinstance(unit, int) else None
        # What the unit does not need must not be readable from its memory (hidden tests).
        source_tests.clear()
        cfg.clear()
        mode = "run" if unit == "run" else "tests"
        program_code = _PROGRAM[0]
        test_code = compile(test_source, "<test>", "exec") if test_source is not None else None
    except _BaseException:
        leave(CHILD_SETUP_FAILED)

    module = _type(sys)("__main__" if mode == "run" else "solution")
    module.__dict__["__builtins__"] = builtins
    sys.modules[module.__name__] = module
    if mode == "run":
        sys.argv[:] = ["main.py"]
    outcome, reason, actual = b"PASS", "", ""
    try:
        exec(program_code, module.__dict__)
        if mode == "tests":
            write(RESULT_FD, LOADED)  # the program ran: what follows is the test's doing
        if test_code is not None:
            # Undo patches the program made to builtins, and give the test its own copy so that
            # patches made later (while the test calls into the program) cannot reach it.
            builtins.__dict__.clear()
            builtins.__dict__.update(_BUILTINS)
            namespace = dict(module.__dict__)
            namespace["__builtins__"] = dict(_BUILTINS)
            namespace["__reflexion_failed__"] = assert_failed
            namespace["__reflexion_trusted__"] = assert_trusted
            exec(test_code, namespace)
    except SystemExit as error:
        if mode == "run":
            code = error.code
            if code is None:
                leave(_flush_all())
            if _isinstance(code, int):
                _flush_all()
                leave(code & 0xFF)
            try:
                sys.stderr.write(_str(code) + "\n")
            except _BaseException:
                pass
            _flush_all()
            leave(1)
        outcome, reason = b"FAIL", _describe(error)
    except _BaseException as error:
        outcome, reason = (b"EXC" if mode == "run" else b"FAIL"), _describe(error)
        if _type(error) is AssertFailure:
            actual = error.actual if _type(error.actual) is _str else ""
        if mode == "run":
            _print_traceback(error)
    flush_failed = _flush_all()
    try:
        record = b"\0".join((nonce, outcome, _field(reason), _field(actual), b""))
        write(RESULT_FD, record)
    except _BaseException:
        leave(CHILD_SETUP_FAILED + 1)
    leave(1 if flush_failed or outcome != b"PASS" else 0)


def _flush_all():
    failed = 0
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except _BaseException:
            failed = 1
    return failed


def _print_traceback(error):
    try:
        # Skip the harness frame so the traceback reads like ``python main.py``.
        error = error.with_traceback(error.__traceback__.tb_next)
        sys.excepthook(_type(error), error, error.__traceback__)
    except _BaseException:
        pass


# ---------------------------------------------------------------- the supervisor (trusted side)


class Supervisor:
    """Forks children, watches them, and leaves no process behind after each one."""

    def __init__(self, cfg, secret):
        self.cfg = cfg
        self.secret = secret
        self.pid1 = cfg["cleanup"] == "pid1"

    def emit(self, record):
        # writev, not concatenation: no immutable copy of the secret is left in memory for a
        # later child to find.
        views = [memoryview(self.secret), memoryview(b" " + _repr(record).encode("utf-8") + b"\n")]
        while views:
            written = os.writev(1, views)
            while views and written >= _len(views[0]):
                written -= _len(views.pop(0))
            if views:
                views[0] = views[0][written:]

    def run_unit(self, unit, timeout, stdin_fd):
        nonce = os.urandom(NONCE_BYTES).hex().encode()
        result_r, result_w = os.pipe()
        out_r, out_w = os.pipe()
        if unit == "run":
            err_r, err_w = os.pipe()
        else:
            err_r, err_w = None, out_w
        started = time.monotonic()
        pid = os.fork()
        if pid == 0:
            # Only our copy of the secret lives here; wipe it before anything else happens.
            self.secret[:] = bytes(_len(self.secret))
            _child(self.cfg, unit, nonce, (stdin_fd, out_w, err_w, result_w))
        for fd in {result_w, out_w, err_w}:
            os.close(fd)
        if not self.pid1:
            self.emit(("started", pid))  # so our parent can kill the unit's group if we die
        facts = self._watch(pid, timeout, started, result_r, out_r, err_r)
        for fd in (result_r, out_r, err_r):
            if fd is not None:
                os.close(fd)
        facts.update(_judge(facts.pop("record"), nonce))
        self._wipe_scratch()
        return facts

    def _watch(self, pid, timeout, started, result_r, out_r, err_r):
        cap = self.cfg["output_bytes"]
        # "kill": output past the cap ends the unit (flooded). "truncate": what is past the cap is
        # read and thrown away, so the writer never blocks on a full pipe and runs on (truncated).
        kill_on_flood = self.cfg["on_output_limit"] == "kill"
        buffers = {result_r: bytearray(), out_r: bytearray()}
        if err_r is not None:
            buffers[err_r] = bytearray()
        limits = {result_r: MAX_RECORD, out_r: cap, err_r: cap}
        poller = select.poll()
        for fd in buffers:
            poller.register(fd, select.POLLIN)
        pidfd = _pidfd(pid)
        if pidfd is not None:
            poller.register(pidfd, select.POLLIN)
        deadline = started + timeout
        timed_out = flooded = exited = False
        cut = set()  # descriptors whose buffer reached its cap
        status = None
        while not (exited or flooded):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                timed_out = True
                break
            wait_ms = remaining * 1000 if pidfd is not None else min(remaining * 1000, 10)
            for fd, _event in poller.poll(wait_ms):
                if fd == pidfd:
                    exited = True
                    continue
                chunk = os.read(fd, 65536)
                if not chunk:
                    poller.unregister(fd)
                    continue
                if fd in cut:
                    continue  # what is past the cap is dropped, not kept
                buffers[fd] += chunk
                if _len(buffers[fd]) > limits[fd]:
                    del buffers[fd][limits[fd] :]
                    cut.add(fd)
                    flooded = flooded or (kill_on_flood and fd != result_r)
            if pidfd is None:
                done, status = os.waitpid(pid, os.WNOHANG)
                exited = done == pid
        duration = time.monotonic() - started
        if pidfd is not None:
            os.close(pidfd)
        status = self._kill_everything(pid, status)
        # Every writer is dead now: take what is left in the pipes.
        for fd, buffer in buffers.items():
            os.set_blocking(fd, False)
            while fd not in cut and _len(buffer) <= limits[fd]:
                try:
                    chunk = os.read(fd, 65536)
                except BlockingIOError:
                    break
                if not chunk:
                    break
                buffer += chunk
            if _len(buffer) > limits[fd]:
                del buffer[limits[fd] :]
                cut.add(fd)
        cut.discard(result_r)  # an oversized report is judged (as forged), not counted as output
        flooded = flooded or (kill_on_flood and bool(cut))
        exit_code = signal_number = None
        if status is not None:
            if os.WIFEXITED(status):
                exit_code = os.WEXITSTATUS(status)
            elif os.WIFSIGNALED(status):
                signal_number = os.WTERMSIG(status)
        return {
            "record": bytes(buffers[result_r]),
            "exit": exit_code,
            "signal": signal_number,
            "timed_out": timed_out,
            "flooded": flooded,
            "truncated": bool(cut),
            "stdout": bytes(buffers[out_r]),
            "stderr": bytes(buffers[err_r]) if err_r is not None else b"",
            "duration": duration,
        }

    def _kill_everything(self, pid, status):
        """SIGKILL every process the unit started, reap them, return the unit's wait status."""
        uid = self.cfg["uid"]
        if self.pid1:
            # We are init of a private PID namespace: kill(-1) reaches every other process in it,
            # whatever session or process group it moved to.
            kill_rest = _kill_namespace
        else:
            # Fallback without a PID namespace. The unit leads its own process group: one killpg
            # stops a fork bomb at once (the kernel makes a group kill reach children forked
            # meanwhile). Whatever left the group (setsid) is found by uid (kill(-1) as that uid),
            # or else as our descendant: we are a child subreaper, so orphans stay in our tree.
            try:
                os.killpg(pid, 9)
            except OSError:
                pass
            kill_rest = _kill_descendants if uid is None else (lambda: _kill_uid(uid))
        while True:
            kill_rest()
            try:
                reaped, code = os.waitpid(-1, 0)
            except ChildProcessError:
                return status
            if reaped == pid:
                status = code

    def _wipe_scratch(self):
        for path in self.cfg["wipe"]:
            _wipe(path)


def _judge(record, nonce):
    """Turn the child's self-report into trusted facts; anything malformed counts as a failure.

    ``phase`` says whether the program itself got through (only a label for the reason: the
    program could write the marker itself, but gains nothing by it)."""
    phase = "program"
    if record.startswith(LOADED):
        phase, record = "test", record[_len(LOADED) :]
    if not record:
        return {"status": None, "reason": None, "actual": None, "forged": False, "phase": phase}
    # Exactly one report, NUL-terminated: anything before or after it on the channel is not the
    # child's own doing (its forks cannot write here), so the whole report counts as forged.
    fields = record.split(b"\0")
    if _len(fields) != 5 or fields[4] or fields[0] != nonce or fields[1] not in (b"PASS", b"FAIL", b"EXC"):
        return {"status": None, "reason": None, "actual": None, "forged": True, "phase": phase}
    return {
        "status": fields[1].decode(),
        "reason": fields[2].decode("utf-8", "replace") or None,
        "actual": fields[3].decode("utf-8", "replace") or None,
        "forged": False,
        "phase": phase,
    }


def _pidfd(pid):
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None


def _kill_namespace():
    try:
        os.kill(-1, 9)
    except ProcessLookupError:
        pass


def _kill_uid(uid):
    """kill(-1) from a process running as ``uid`` reaches exactly that user's processes."""
    killer = os.fork()
    if killer == 0:
        try:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            # Not until ESRCH: our unreaped zombies count as targets. Repeating catches a
            # process forked while the first signal was being delivered; the caller loops too.
            for _ in range(3):
                os.kill(-1, 9)
        except BaseException:
            pass
        os._exit(0)
    os.waitpid(killer, 0)


def _kill_descendants():
    for pid in _descendants(os.getpid()):
        try:
            os.kill(pid, 9)
        except OSError:
            pass


def _descendants(root):
    found, frontier = [], [root]
    while frontier and _len(found) < 100000:
        pid = frontier.pop()
        children = _children(pid)
        found.extend(children)
        frontier.extend(children)
    return found


def _children(pid):
    children = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", "rb") as handle:
                children.extend(int(child) for child in handle.read().split())
    except FileNotFoundError:
        if pid == os.getpid():  # no /proc/.../children on this kernel: scan everything
            return _children_by_scan(str(pid))
    except OSError:
        pass
    return children


def _proc_files(name):
    """(pid, contents of /proc/<pid>/<name>) for every process we can read."""
    try:
        entries = os.listdir("/proc")
    except OSError:
        return
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/{name}", "rb") as handle:
                yield int(entry), handle.read()
        except OSError:
            continue


def _children_by_scan(me):
    children = []
    for pid, stat in _proc_files("stat"):
        fields = stat[stat.rfind(b")") + 2 :].split()
        if _len(fields) > 1 and fields[1].decode() == me:
            children.append(pid)
    return children


def _wipe(path, top=True):
    try:
        entries = list(os.scandir(path))
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                _wipe(entry.path, top=False)
                os.rmdir(entry.path)
            else:
                os.unlink(entry.path)
        except OSError:
            pass


def _harden(cfg):
    """When children share our uid, or without bubblewrap: what the kernel offers a plain process."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_dumpable, pr_set_child_subreaper = 4, 36
    clone_newuser, clone_newnet = 0x10000000, 0x40000000
    # Children of the same uid must not ptrace us, read /proc/<us>/mem or open /proc/<us>/fd/1.
    libc.prctl(pr_set_dumpable, 0, 0, 0, 0)
    if not cfg["fallback"]:
        return
    libc.prctl(pr_set_child_subreaper, 1, 0, 0, 0)  # orphans come back to us to be killed
    if not cfg["isolate_network"]:
        return
    if os.getuid() == 0:
        libc.unshare(clone_newnet)
        return
    uid, gid = os.getuid(), os.getgid()
    if libc.unshare(clone_newuser | clone_newnet) == 0:
        for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
            try:
                with open("/proc/self/" + name, "w") as handle:
                    handle.write(text)
            except OSError:
                pass


def _count_own_tasks():
    uid, count = os.getuid(), 0
    for _pid, status in _proc_files("status"):
        fields = dict(line.split(b":", 1) for line in status.splitlines() if b":" in line)
        if int(fields.get(b"Uid", b"-1 0").split()[0]) == uid:
            count += int(fields.get(b"Threads", b"1").strip() or 1)
    return count


def _read_exact(fd, size):
    chunks, left = [], size
    while left:
        chunk = os.read(fd, left)
        if not chunk:
            raise EOFError("config ended early")
        chunks.append(chunk)
        left -= _len(chunk)
    return b"".join(chunks)


def _read_secret(fd, size):
    # Read straight into a bytearray so no immutable copy of the secret stays in memory.
    secret, view, got = bytearray(size), None, 0
    view = memoryview(secret)
    while got < size:
        count = os.readv(fd, [view[got:]])
        if not count:
            raise EOFError("secret ended early")
        got += count
    view.release()
    return secret


_PROGRAM = [None]


def main():
    secret = _read_secret(0, 64)
    size = int.from_bytes(_read_exact(0, 8), "big")
    cfg = marshal.loads(_read_exact(0, size))
    supervisor = Supervisor(cfg, secret)
    if cfg["fallback"] or cfg["uid"] is None:
        _harden(cfg)
    # RLIMIT_NPROC counts all processes of the real uid; without a uid of our own, allow for the
    # ones that already exist (root is exempt from the limit, so there is nothing to add).
    cfg["nproc_baseline"] = _count_own_tasks() if cfg["uid"] is None and os.getuid() != 0 else 0
    for name in [name for name in sys.modules if name == "ctypes" or name.startswith(("ctypes.", "_ctypes"))]:
        del sys.modules[name]
    # Standard modules the program imports, loaded once here instead of in every test's child.
    for name in cfg["preload"]:
        try:
            __import__(name)
        except BaseException:
            pass
    try:
        _PROGRAM[0] = compile(cfg["program"], "<program>" if cfg["mode"] == "tests" else "main.py", "exec")
    except BaseException as error:  # the parent checked syntax already; this is a second guard
        facts = {"status": "EXC", "reason": _describe(error), "exit": 1, "signal": None, "phase": "program"}
        supervisor.emit(("program" if cfg["mode"] == "tests" else "run", facts))
        supervisor.emit(("done",))
        return
    null = os.open(os.devnull, os.O_RDONLY)
    if cfg["mode"] == "run":
        supervisor.emit(("run", supervisor.run_unit("run", cfg["timeout"], 0)))
    else:
        for index in range(_len(cfg["tests"])):
            facts = supervisor.run_unit(index, cfg["timeout"], null)
            if index == 0 and facts["phase"] == "program":
                # The program itself failed (raised, exited, hung, crashed): so would every test.
                supervisor.emit(("program", facts))
                break
            supervisor.emit(("test", index, facts))
    supervisor.emit(("done",))


if __name__ == "__main__":
    main()
    os._exit(0)  # everything is written and every child reaped: skip interpreter teardown
