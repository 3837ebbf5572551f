"""Feedback text in the paper's format, and the self-test false-positive / false-negative rates."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from reflexion.domains.programming.feedback import MAX_OUTPUT_CHARS, results_feedback, untested_feedback, unusable_feedback
from reflexion.domains.programming.metrics import fp_fn_rates


@dataclass
class Result:
    test: str
    passed: bool
    reason: str = ""
    actual: str | None = None


def test_feedback_lists_passed_then_failed_with_what_happened():
    text = results_feedback(
        [
            Result("assert f(1) == 1", True, "passed"),
            Result("assert f(2) == 2", False, "assertion failed", "3"),
            Result("assert f(0) == 0", False, "ZeroDivisionError: division by zero"),
            Result("assert f(9) == 9", False, "timed out after 5s"),
            Result("assert f(4) == 4", True, "passed"),
        ]
    )
    assert text == (
        "Tested passed:\nassert f(1) == 1\nassert f(4) == 4\n\n"
        "Tests failed:\n"
        "assert f(2) == 2 # output: 3\n"
        "assert f(0) == 0 # output: ZeroDivisionError: division by zero\n"
        "assert f(9) == 9 # output: timed out after 5s"
    )


def test_huge_or_multiline_outputs_are_shortened():
    text = results_feedback(
        [Result("assert f() == []", False, "", "[" + "1, " * 1000 + "]"), Result("assert g() == 1", False, "a\n  b")]
    )
    failed = text.split("Tests failed:\n")[1].splitlines()
    assert len(failed) == 2 and failed[1] == "assert g() == 1 # output: a b"
    assert len(failed[0]) < MAX_OUTPUT_CHARS + 40 and failed[0].endswith("...")


def test_unusable_and_untested_feedback_say_what_to_do():
    assert "no Python code" in unusable_feedback("the reply contained no Python code", "f")
    assert "complete function `f`" in unusable_feedback("x", "f")
    assert untested_feedback("test_source is none", None).endswith("it loads without error.")
    assert "failed to load: NameError: name 'x' is not defined" in untested_feedback("why", "NameError: name 'x' is not defined")


def rows(*pairs):
    return [{"internal_passed": internal, "hidden_passed": hidden} for internal, hidden in pairs]


def test_rates_as_the_paper_defines_them():
    result = fp_fn_rates(rows((True, True), (True, True), (True, True), (True, False), (False, True), (False, False)))
    assert result["tp"] == 3 and result["fp"] == 1 and result["fn"] == 1 and result["tn"] == 1
    assert result["counted"] == 6
    assert result["false_positive_rate"] == pytest.approx(1 / 4)  # of the 4 internal passes, 1 fails hidden
    assert result["false_negative_rate"] == pytest.approx(1 / 2)  # of the 2 internal fails, 1 passes hidden


def test_rows_without_both_verdicts_are_skipped_and_empty_rates_are_none():
    result = fp_fn_rates([{"internal_passed": True}, {"internal_passed": True, "hidden_passed": None}, *rows((True, True))])
    assert result["counted"] == 1 and result["false_positive_rate"] == 0.0
    assert result["false_negative_rate"] is None
    assert fp_fn_rates([])["false_positive_rate"] is None


def test_bench_result_rows_are_read_too():
    bench_rows = [
        {"outcome": "solved", "final": {"hidden_passed": False, "reason": "AssertionError"}},
        {"outcome": "failed", "final": {"hidden_passed": True, "reason": "passed"}},
        {"outcome": "solved", "final": None},  # a task without hidden tests
    ]
    result = fp_fn_rates(bench_rows)
    assert (result["fp"], result["fn"], result["counted"]) == (1, 1, 2)
