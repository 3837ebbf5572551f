"""Test feedback in the paper's words: the passed tests, then the failed ones, each with what the
implementation actually gave (its value, the exception, or a timeout)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Protocol

from reflexion.prompts import render_prompt

DOMAIN = "programming"
MAX_OUTPUT_CHARS = 300  # a failing test's output is a hint; a huge list would crowd out the prompt


class ResultLike(Protocol):
    """One test's result (``reflexion.sandbox.TestResult`` has this shape)."""

    @property
    def test(self) -> str: ...
    @property
    def passed(self) -> bool: ...
    @property
    def reason(self) -> str | None: ...
    @property
    def actual(self) -> str | None: ...


def results_feedback(results: Sequence[ResultLike], examples: Collection[str] = ()) -> str:
    """``Tested passed:`` / ``Tests failed:`` lists, a failed test followed by ``# output: ...``.
    Tests in ``examples`` (the task's own docstring examples) are marked as such."""
    def mark(r: ResultLike) -> str:
        return " (from the docstring)" if r.test in examples else ""

    passed = [f"{r.test}{' #' + mark(r) if mark(r) else ''}" for r in results if r.passed]
    failed = [f"{r.test} # output: {_shorten(_output(r))}{mark(r)}" for r in results if not r.passed]
    return "Tested passed:\n" + "\n".join(passed) + "\n\nTests failed:\n" + "\n".join(failed)


def unusable_feedback(problem: str, entry_point: str) -> str:
    return render_prompt("feedback_unusable", DOMAIN, problem=problem, entry_point=entry_point).strip()


def untested_feedback(why: str, load_error: str | None) -> str:
    """No tests to run: say why, and whether the implementation at least loads."""
    outcome = f"it failed to load: {_shorten(load_error)}" if load_error else "it loads without error"
    return render_prompt("feedback_untested", DOMAIN, why=why, outcome=outcome).strip()


def _output(result: ResultLike) -> str:
    return result.actual if result.actual is not None else result.reason or "failed"


def _shorten(text: str) -> str:
    text = " ".join(text.split()) if "\n" in text else text
    return text if len(text) <= MAX_OUTPUT_CHARS else text[:MAX_OUTPUT_CHARS] + "..."
