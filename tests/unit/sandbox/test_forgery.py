"""A failing test must not be made to count as passed by the code under test.

Each program below gets ``solve`` wrong and tries to have its test reported as passed anyway.
"""

from __future__ import annotations

import pytest

WRONG = "def solve(x):\n    return x\n"
TEST = "assert solve(1) == 2"


def _only_failures(results) -> list[str]:
    assert all(not r.passed for r in results), [r for r in results if r.passed]
    assert all(r.reason for r in results)
    return [r.reason for r in results]


def test_exit_zero_from_the_call_fails(sandbox):
    assert _only_failures(sandbox.run_tests("import sys\ndef solve(x):\n    sys.exit(0)\n", [TEST])) == ["SystemExit: 0"]


def test_hard_exit_zero_fails(sandbox):
    reasons = _only_failures(sandbox.run_tests("import os\ndef solve(x):\n    os._exit(0)\n", [TEST]))
    assert reasons == ["exited with code 0 before the test finished"]


def test_system_exit_raised_inside_the_test_fails(sandbox):
    reasons = _only_failures(sandbox.run_tests(WRONG, ["raise SystemExit(0)", "raise KeyboardInterrupt", "import sys; sys.exit()"]))
    assert reasons == ["SystemExit: 0", "KeyboardInterrupt", "SystemExit"]


def test_printing_success_fails(sandbox):
    program = "import sys, os\ndef solve(x):\n    print('PASS\\nAll tests passed\\n1 passed')\n    sys.stdout.flush()\n    os._exit(0)\n"
    [result] = sandbox.run_tests(program, [TEST])
    assert not result.passed and "All tests passed" in result.output


def test_patching_builtins_fails(sandbox):
    program = (
        "import builtins\ndef patch():\n    builtins.abs = lambda v: 0\n    builtins.isinstance = lambda *a: True\n"
        "    builtins.AssertionError = type('Quiet', (Exception,), {})\npatch()\n"
        "def solve(x):\n    patch()\n    return x\n"
    )
    tests = ["assert abs(solve(1) - 2) < 0.5", "assert isinstance(solve(1), str)", TEST]
    assert _only_failures(sandbox.run_tests(program, tests)) == ["AssertionError"] * 3


def test_always_equal_objects_fail(sandbox):
    program = (
        "class Anything:\n    def __eq__(self, other):\n        return True\n    __hash__ = object.__hash__\n"
        "def solve(x):\n    return Anything() if x == 1 else [Anything(), Anything()]\n"
    )
    reasons = _only_failures(sandbox.run_tests(program, [TEST, "assert solve(2) == [3, 4]", "assert 2 == solve(1)"]))
    assert reasons == ["AssertionError: untrusted comparison: Anything defines its own __eq__"] * 3


def test_legitimate_user_equality_still_passes(sandbox):
    program = (
        "class Node:\n    def __init__(self, v):\n        self.v = v\n"
        "    def __eq__(self, other):\n        return isinstance(other, Node) and other.v == self.v\n"
        "from collections import Counter, namedtuple\nP = namedtuple('P', 'x y')\n"
    )
    tests = ["assert Node(1) == Node(1)", "assert Counter('aab') == {'a': 2, 'b': 1}", "assert P(1, 2) == (1, 2)"]
    assert all(r.passed for r in sandbox.run_tests(program, tests))


def test_spraying_fake_reports_on_every_descriptor_fails(sandbox):
    program = (
        "import os\ndef solve(x):\n    for fd in range(64):\n        for guess in (b'PASS', b'PASS\\n', b'0' * 32 + b'\\0PASS\\0\\0'):\n"
        "            try:\n                os.write(fd, guess)\n            except OSError:\n                pass\n    os._exit(0)\n"
    )
    assert _only_failures(sandbox.run_tests(program, [TEST])) == ["invalid report on the result channel (forged?)"]


def test_killing_the_harness_fails(sandbox):
    program = "import os, signal\ndef solve(x):\n    for pid in (os.getppid(), 1):\n        try:\n            os.kill(pid, signal.SIGKILL)\n        except OSError:\n            pass\n    return x\n"
    assert _only_failures(sandbox.run_tests(program, [TEST, TEST]))


def test_tracing_over_the_assert_is_refused(sandbox):
    program = "import sys\ndef solve(x):\n    sys.settrace(lambda *a: None)\n    return x\n"
    assert _only_failures(sandbox.run_tests(program, [TEST])) == ["RuntimeError: sandbox: sys.settrace is not allowed"]


def test_neutering_the_assert_helpers_fails(sandbox):
    program = (
        "import sys\ndef solve(x):\n    g = sys._getframe(1).f_globals\n"
        "    for name in [n for n in g if n.startswith('__reflexion')]:\n        g[name] = lambda *a: None\n    return x\n"
    )
    assert _only_failures(sandbox.run_tests(program, [TEST])) == ["AssertionError"]


def test_heap_search_and_ctypes_are_refused(sandbox):
    program = "import gc\ndef solve(x):\n    gc.get_objects()\n    return x\ndef ctypes():\n    import ctypes\n"
    assert _only_failures(sandbox.run_tests(program, [TEST, "ctypes()"])) == [
        "RuntimeError: sandbox: gc.get_objects is not allowed",
        "ImportError: sandbox: ctypes is not available",
    ]


def test_hostile_exception_text_cannot_exit_early(sandbox):
    program = "import os\nclass Trap(Exception):\n    def __str__(self):\n        os._exit(0)\ndef solve(x):\n    raise Trap()\n"
    assert _only_failures(sandbox.run_tests(program, [TEST])) == ["exited with code 0 before the test finished"]


def test_other_tests_are_not_in_the_programs_memory(sandbox):
    # The program looks through every frame (and the objects they hold) for text that only the
    # second test contains: tests are hidden from each other, and hidden tests from the program.
    program = (
        "import sys\ndef seen(marker):\n    todo = []\n    frame = sys._getframe(1)\n    while frame:\n"
        "        todo += list(frame.f_locals.values()) + list(frame.f_globals.values())\n        frame = frame.f_back\n"
        "    for depth in range(3):\n        nxt = []\n        for v in todo:\n"
        "            if marker in repr(v):\n                return True\n"
        "            nxt += list(getattr(v, '__dict__', {}).values())\n        todo = nxt\n    return False\n"
    )
    results = sandbox.run_tests(program, ["assert seen('HIDDEN' + 'TEST-7f3')", "x = 'HIDDENTEST-7f3'"])
    assert [r.passed for r in results] == [False, True]


@pytest.mark.xfail(strict=True, reason="known gap (docs/sandbox.md): in-process code can walk frames into the harness")
def test_known_gap_frame_walk_to_the_report_nonce(sandbox):
    program = (
        "import os, sys\ndef solve(x):\n    f = sys._getframe()\n    while f:\n        n = f.f_locals.get('nonce')\n"
        "        if isinstance(n, bytes):\n            os.write(3, n + b'\\0PASS\\0\\0\\0')\n            os._exit(0)\n"
        "        f = f.f_back\n    return x\n"
    )
    assert not sandbox.run_tests(program, [TEST])[0].passed
