"""``Sandbox.run``: a program as a script, with stdin, exit codes and failure reasons."""

from __future__ import annotations

from reflexion.sandbox import ExecResult


def test_prints_stdout_and_stderr_and_reads_stdin(sandbox):
    result = sandbox.run("import sys\nname = input()\nprint('hello', name)\nprint('warn', file=sys.stderr)", stdin="ada\n")
    assert result == ExecResult(0, "hello ada\n", "warn\n", False, None, result.duration_s, False)
    assert result.ok


def test_runs_as_main_in_an_empty_scratch_dir(sandbox):
    result = sandbox.run("import os\nif __name__ == '__main__':\n    print(sorted(os.listdir('.')))\n")
    assert result.stdout == "[]\n"


def test_exception_gives_exit_1_a_traceback_and_the_reason(sandbox):
    result = sandbox.run("def f():\n    return 1 / 0\nf()\n")
    assert result.exit_code == 1
    assert result.reason == "ZeroDivisionError: division by zero"
    assert 'File "main.py", line 2, in f' in result.stderr
    assert "harness" not in result.stderr  # the traceback reads like `python main.py`
    assert not result.ok


def test_exit_codes_behave_like_python(sandbox):
    assert sandbox.run("import sys; sys.exit(3)").exit_code == 3
    assert sandbox.run("import sys; sys.exit(3)").reason == "exit code 3"
    assert sandbox.run("import sys; sys.exit()").ok
    message = sandbox.run("import sys; sys.exit('bad input')")
    assert (message.exit_code, message.stderr) == (1, "bad input\n")
    assert sandbox.run("import os; os._exit(7)").exit_code == 7


def test_syntax_error_is_reported_without_starting_anything(sandbox):
    result = sandbox.run("def f(:\n    pass\n")
    assert result.exit_code == 1
    assert result.reason.startswith("SyntaxError:") and "(line 1)" in result.reason


def test_a_timeout_kills_the_run(sandbox):
    result = sandbox.run("print('started', flush=True)\nwhile True:\n    pass\n")
    assert result.timed_out
    assert result.reason == "timeout after 2s"
    assert result.exit_code < 0
    assert result.stdout == "started\n"  # output before the kill is kept


def test_unicode_and_binary_output_survive(sandbox):
    result = sandbox.run("import sys\nprint('héllo ✓')\nsys.stdout.flush()\nsys.stdout.buffer.write(b'\\xff\\n')\n")
    assert result.stdout == "héllo ✓\n\ufffd\n"


def test_isolation_is_named(sandbox):
    assert sandbox.isolation == "bubblewrap" or sandbox.isolation.startswith("rlimits (bubblewrap not available: ")
