"""``Limits.on_output_limit``: past ``output_bytes`` the execution is killed (the default, for the
loop's own tests) or its output is cut and it runs on (the final scoring: printing never fails)."""

from __future__ import annotations

import dataclasses

import pytest

from reflexion.errors import SettingsError
from reflexion.sandbox import Limits

from .conftest import TEST_LIMITS, make_sandbox

CAP = TEST_LIMITS.output_bytes
# Correct, but prints four times the cap to stdout and to stderr first.
NOISY = f"import sys\ndef solve(x):\n    print('x' * {4 * CAP})\n    sys.stderr.write('e' * {4 * CAP})\n    return x + 1\n"
FLOOD = "def solve(x):\n    while True:\n        print('y' * 10000)\n"


@pytest.fixture(params=["bubblewrap", "rlimits"])
def truncating(request: pytest.FixtureRequest):
    return make_sandbox(request.param, dataclasses.replace(TEST_LIMITS, on_output_limit="truncate"))


def test_kill_is_the_default_and_fails_a_correct_but_noisy_solution(sandbox):
    assert Limits().on_output_limit == "kill"
    [result] = sandbox.run_tests(NOISY, ["assert solve(1) == 2"])
    assert not result.passed and result.reason == f"killed: output limit ({CAP} bytes)"
    assert result.output_truncated and len(result.output) == CAP


def test_truncate_passes_a_correct_solution_and_keeps_only_the_cap(truncating):
    [passed, failed] = truncating.run_tests(NOISY, ["assert solve(1) == 2", "assert solve(1) == 3"])
    assert passed.passed and passed.reason is None and passed.output_truncated
    assert len(passed.output) == CAP and set(passed.output) == {"x"}
    # A failure still says the output was cut: whoever reads the reason saw only part of it.
    assert (failed.passed, failed.actual) == (False, "2")
    assert failed.reason == f"AssertionError (output truncated at {CAP} bytes)"


def test_truncate_still_stops_an_endless_flood_at_the_timeout(truncating):
    [result] = truncating.run_tests(FLOOD, ["solve(1)"])
    assert result.reason == f"timeout after 2s (output truncated at {CAP} bytes)"
    assert result.output_truncated and len(result.output) == CAP


def test_truncate_for_a_script_exits_cleanly(truncating):
    result = truncating.run(f"print('z' * {4 * CAP})\nprint('done')\n")
    assert (result.exit_code, result.reason, result.output_truncated, len(result.stdout)) == (0, None, True, CAP)


def test_output_under_the_cap_is_not_truncated(truncating):
    [result] = truncating.run_tests("def solve(x):\n    print('hi')\n    return x + 1\n", ["assert solve(1) == 2"])
    assert result.passed and not result.output_truncated and result.output == "hi\n"


def test_an_unknown_policy_is_a_settings_error():
    with pytest.raises(SettingsError, match="on_output_limit must be one of kill, truncate"):
        Limits(on_output_limit="ignore")  # type: ignore[arg-type]
