"""``Sandbox.run_tests``: each test after the program, in its own process, with a reason and the
actual value for every failure; program-level failures fail every test."""

from __future__ import annotations

from reflexion.sandbox import TestResult

ADD = "def add(a, b):\n    return a + b\n"


def test_pass_fail_and_exception_with_reasons(sandbox):
    results = sandbox.run_tests(ADD, ["assert add(1, 2) == 3", "assert add(1, 2) == 4", "assert add(1, 'x') == 3"])
    assert [(r.passed, r.reason, r.actual) for r in results] == [
        (True, None, None),
        (False, "AssertionError", "3"),
        (False, "TypeError: unsupported operand type(s) for +: 'int' and 'str'", None),
    ]
    assert results[1].feedback() == "assert add(1, 2) == 4 # output: 3"


def test_actual_is_the_repr_of_the_left_side_wherever_the_assert_is(sandbox):
    check = "def check(candidate):\n    assert candidate(2, 2) == 4\n    assert candidate('a', 'b') == 'ba', 'order'\n\ncheck(add)"
    [result] = sandbox.run_tests(ADD, [check])
    assert (result.passed, result.reason, result.actual) == (False, "AssertionError: order", "'ab'")


def test_other_comparisons_and_plain_asserts_fail_without_actual(sandbox):
    results = sandbox.run_tests(ADD, ["assert add(1, 1) > 5", "assert add(1, 1) in [3, 4]", "assert not add(1, -1) == 0"])
    assert [(r.passed, r.reason, r.actual) for r in results] == [(False, "AssertionError", None)] * 3


def test_a_huge_or_unprintable_actual_is_cut_or_named(sandbox):
    program = "class Bad:\n    def __repr__(self):\n        raise ValueError\n\ndef big():\n    return 'x' * 10**6\n"
    big, bad = sandbox.run_tests(program, ["assert big() == 'y'", "assert Bad() == 1"])
    assert big.actual.startswith("'xxx") and big.actual.endswith("...") and len(big.actual) < 3000
    assert bad.actual == "<repr failed: ValueError>"


def test_a_hanging_test_times_out_alone(sandbox):
    program = ADD + "def hang():\n    while True:\n        pass\n"
    results = sandbox.run_tests(program, ["assert add(1, 2) == 3", "hang()", "assert add(2, 2) == 4"], timeout_s=1)
    assert [(r.passed, r.reason) for r in results] == [(True, None), (False, "timeout after 1s"), (True, None)]


def test_tests_do_not_see_each_other(sandbox):
    results = sandbox.run_tests("state = []\n", ["state.append(1); assert state == [1]", "state.append(1); assert state == [1]"])
    assert all(r.passed for r in results)
    files = sandbox.run_tests("", ["open('left-behind', 'w').write('x')", "import os; assert os.listdir('.') == []"])
    assert [r.passed for r in files] == [True, True]


def test_printed_output_is_kept_per_test(sandbox):
    [result] = sandbox.run_tests("print('loading')\n", ["print('in test'); assert False"])
    assert result.output == "loading\nin test\n"


def test_program_syntax_error_fails_every_test(sandbox):
    results = sandbox.run_tests("def add(a, b)\n    return a + b\n", ["assert add(1, 2) == 3", "assert True"])
    assert [r.passed for r in results] == [False, False]
    assert all(r.reason.startswith("program failed: SyntaxError:") for r in results)


def test_program_raising_or_exiting_at_import_fails_every_test(sandbox):
    for program, reason in [
        ("raise ValueError('no')\n", "program failed: ValueError: no"),
        ("import sys\nsys.exit(0)\n", "program failed: SystemExit: 0"),
        ("import os\nos._exit(0)\n", "program failed: exited with code 0 before the test finished"),
    ]:
        results = sandbox.run_tests(program, ["assert True", "assert 1 == 1"])
        assert [(r.passed, r.reason) for r in results] == [(False, reason)] * 2, program


def test_program_hanging_at_import_fails_every_test_once(sandbox):
    results = sandbox.run_tests("while True:\n    pass\n", ["assert True", "assert True", "assert True"], timeout_s=1)
    assert [r.reason for r in results] == ["program failed: timeout after 1s"] * 3
    assert sum(r.duration_s for r in results) == 0  # the tests themselves never ran


def test_program_main_block_does_not_run_under_tests(sandbox):
    program = ADD + "if __name__ == '__main__':\n    input()\n"
    assert sandbox.run_tests(program, ["assert add(1, 2) == 3"])[0].passed


def test_a_test_that_does_not_compile_fails_alone(sandbox):
    results = sandbox.run_tests(ADD, ["assert add(1, 2) == 3", "assert add(1, 2) ==", "assert add(0, 0) == 0"])
    assert [r.passed for r in results] == [True, False, True]
    assert results[1].reason.startswith("test does not compile: SyntaxError:")


def test_no_tests_runs_nothing(sandbox):
    assert sandbox.run_tests(ADD, []) == []


def test_results_keep_the_original_test_text(sandbox):
    [result] = sandbox.run_tests(ADD, ["assert add(1, 2) == 3  # comment"])
    assert result == TestResult("assert add(1, 2) == 3  # comment", True, None, None, "", result.duration_s)


def test_a_task_named_like_a_builtin_still_works(sandbox):
    # MBPP has a task whose entry point is `sum`; its test passes the program's `sum` to check().
    program = "def sum(a, b):\n    return a + b\n"
    test = "def check(candidate):\n    assert candidate(10, 15) == 25\n\ncheck(sum)"
    assert sandbox.run_tests(program, [test])[0].passed


FORKING = "import os\ndef solve(x):\n    pid = os.fork()\n    if pid == 0:\n        return {child}\n    os.waitpid(pid, 0)\n    return x\n"


def test_a_forked_process_report_stays_out_of_the_result(sandbox):
    # The fork returns first and fails too; its report carries the same nonce. Only the test's own
    # process reports: the actual value shown is its own, not the fork's record appended to it.
    [result] = sandbox.run_tests(FORKING.format(child="x"), ["assert solve(1) == 2"])
    assert (result.passed, result.reason, result.actual) == (False, "AssertionError", "1")
    assert result.feedback() == "assert solve(1) == 2 # output: 1"


def test_a_forked_process_passing_does_not_pass_the_test(sandbox):
    [result] = sandbox.run_tests(FORKING.format(child="x + 1"), ["assert solve(1) == 2"])
    assert (result.passed, result.reason, result.actual) == (False, "AssertionError", "1")


def test_a_fork_bomb_that_returns_reports_one_result(sandbox):
    program = "import os\ndef solve(x):\n    for _ in range(4):\n        try:\n            os.fork()\n        except OSError:\n            pass\n    return x\n"
    [result] = sandbox.run_tests(program, ["assert solve(1) == 2"])
    assert (result.passed, result.reason, result.actual) == (False, "AssertionError", "1")


def test_nul_bytes_in_a_reason_or_actual_are_kept_as_text(sandbox):
    program = "def solve(x):\n    return 'a\\0b'\n\ndef boom():\n    raise ValueError('bad\\0worse')\n"
    value, error = sandbox.run_tests(program, ["assert solve(1) == 2", "boom()"])
    assert (value.reason, value.actual) == ("AssertionError", "'a\\x00b'")
    assert error.reason == "ValueError: bad\\x00worse"
