"""What an execution reports back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class ExecResult:
    """One run of a program (``Sandbox.run``)."""

    exit_code: int  # negative: killed by that signal (like ``subprocess``)
    stdout: str
    stderr: str
    timed_out: bool
    reason: str | None  # why it failed ("timeout after 5s", "ZeroDivisionError: ..."); None if it exited 0
    duration_s: float
    output_truncated: bool = False  # stdout or stderr hit ``Limits.output_bytes`` (killed or only cut)

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and self.reason is None


@dataclass(frozen=True)
class TestResult:
    """One test run after the program (``Sandbox.run_tests``)."""

    __test__: ClassVar[bool] = False  # not a pytest test class

    test: str
    passed: bool
    reason: str | None  # "AssertionError", "ZeroDivisionError: division by zero", "timeout after 5s", ...
    actual: str | None  # repr of the left side of a failed ``assert <expr> == <expected>``
    output: str = ""  # what the program and test printed (stdout and stderr, capped)
    duration_s: float = 0.0
    output_truncated: bool = False  # the output passed ``Limits.output_bytes``: ``output`` is its start

    def feedback(self) -> str:
        """The test as the paper's feedback shows it: ``assert f(1) == 2 # output: 3``."""
        if self.passed:
            return self.test
        if self.actual is not None:
            return f"{self.test} # output: {self.actual}"
        return f"{self.test} # {self.reason or 'failed'}"
