"""The test rewriter (runs in our process; no sandbox needed)."""

from __future__ import annotations

import pytest

from reflexion.sandbox.asserts import UnparsableTestError, program_syntax_error, rewrite_test


def _run(source: str) -> dict:
    """Execute a rewritten test with stand-in helpers, returning what they saw."""
    seen: dict = {}

    def failed(op, left, message):
        seen.update(op=op, left=left, message=message)
        raise AssertionError(message)

    namespace = {"__reflexion_failed__": failed, "__reflexion_trusted__": lambda *a: seen.setdefault("trusted", a)}
    try:
        exec(compile(rewrite_test(source), "<test>", "exec"), namespace)
    except AssertionError:
        seen["raised"] = True
    return seen


def test_equality_assert_reports_left_side():
    assert _run("assert 1 + 2 == 4") == {"op": "==", "left": 3, "message": None, "raised": True}


def test_passing_comparison_is_checked_for_trust():
    assert _run("assert [1] == [1]") == {"trusted": ("==", [1], [1])}


def test_message_is_evaluated_only_on_failure():
    assert _run("assert 1 == 1, 1 / 0") == {"trusted": ("==", 1, 1)}
    assert _run("assert 1 == 2, 'nope'")["message"] == "nope"


def test_nested_asserts_are_rewritten_and_other_asserts_kept():
    source = "def check(f):\n    assert f(2) == 5\n    assert f(1)\n    assert 1 < 2 < 3\ncheck(lambda x: x * 2)"
    assert _run(source)["left"] == 4
    rewritten = rewrite_test(source)
    assert "assert f(1)" in rewritten and "assert 1 < 2 < 3" in rewritten


def test_rewritten_code_still_raises_if_the_helper_does_not():
    namespace = {"__reflexion_failed__": lambda *a: None, "__reflexion_trusted__": lambda *a: None}
    with pytest.raises(AssertionError):
        exec(rewrite_test("assert 1 == 2"), namespace)


def test_syntax_errors_are_one_line_reasons():
    with pytest.raises(UnparsableTestError, match=r"^SyntaxError: .* \(line 1\)$"):
        rewrite_test("assert (")
    assert program_syntax_error("def f(:") == "SyntaxError: invalid syntax (line 1)"
    assert program_syntax_error("x = 1") is None
    assert program_syntax_error("x = '\0'").startswith(("SyntaxError", "ValueError"))
