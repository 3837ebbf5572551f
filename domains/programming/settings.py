"""The programming domain's options: where the evaluator's tests come from, how many self-written
tests to keep, how long code may run. Each is read from the task's ``data`` first, then the domain's
constructor, then the environment, then the default. The evaluator stores the options it resolved
in the run's ``domain_data`` on the first trial, so a resumed run keeps them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, cast, get_args

from reflexion.errors import SettingsError

TestSource = Literal["self", "visible", "none"]
"""``self``: the evaluator model writes the tests (the paper). ``visible``: the task's own visible
tests (its docstring examples). ``none``: no tests at all (the paper's "no self-tests" ablation)."""
TEST_SOURCES: tuple[TestSource, ...] = get_args(TestSource)

DEFAULT_TEST_SOURCE: TestSource = "self"
DEFAULT_MAX_SELF_TESTS = 5  # the paper's reference code keeps at most 5
DEFAULT_TIMEOUT_S = 5.0  # per internal test
DEFAULT_HIDDEN_TIMEOUT_S = 20.0  # the whole hidden test file (some HumanEval checks loop 100 times)

ENV_TEST_SOURCE = "REFLEXION_TEST_SOURCE"
ENV_MAX_SELF_TESTS = "REFLEXION_MAX_SELF_TESTS"
ENV_TEST_TIMEOUT = "REFLEXION_TEST_TIMEOUT"


@dataclass(frozen=True)
class Options:
    test_source: TestSource = DEFAULT_TEST_SOURCE
    max_self_tests: int = DEFAULT_MAX_SELF_TESTS
    timeout_s: float = DEFAULT_TIMEOUT_S

    def as_data(self) -> dict[str, Any]:
        return {"test_source": self.test_source, "max_self_tests": self.max_self_tests, "timeout_s": self.timeout_s}


def options_from_env(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The options set in the environment (only those that are set)."""
    env = os.environ if env is None else env
    names = {"test_source": ENV_TEST_SOURCE, "max_self_tests": ENV_MAX_SELF_TESTS, "timeout_s": ENV_TEST_TIMEOUT}
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
    )


def _test_source(value: Any) -> TestSource:
    if value not in TEST_SOURCES:
        raise SettingsError(f"test_source ({ENV_TEST_SOURCE}) must be one of {', '.join(TEST_SOURCES)}; got {value!r}")
    return cast(TestSource, value)


def _positive(value: Any, kind: type[int] | type[float], name: str) -> Any:
    try:
        number = kind(value)
    except (TypeError, ValueError):
        number = 0
    if number <= 0 or isinstance(value, bool):
        raise SettingsError(f"{name} must be a positive {kind.__name__}, got {value!r}")
    return number
