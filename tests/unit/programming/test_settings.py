"""Where the domain's options come from: the run's stored options, the task, the constructor, the env."""

from __future__ import annotations

import pytest

from reflexion.domains.programming import ProgrammingDomain
from reflexion.domains.programming.settings import Options, options_from_env, resolve
from reflexion.errors import SettingsError


def task(**data):
    return {"id": "t", "domain": "programming", "prompt": "def f(): pass", "data": {"entry_point": "f", **data}}


def test_defaults():
    assert resolve() == Options(test_source="self+visible", max_self_tests=5, timeout_s=5.0)


def test_precedence_stored_then_task_then_constructor_then_env(monkeypatch):
    monkeypatch.setenv("REFLEXION_TEST_SOURCE", "none")
    monkeypatch.setenv("REFLEXION_MAX_SELF_TESTS", "4")
    monkeypatch.setenv("REFLEXION_TEST_TIMEOUT", "2.5")
    domain = ProgrammingDomain(max_self_tests=3)
    assert domain.options(task()) == Options(test_source="none", max_self_tests=3, timeout_s=2.5)
    assert domain.options(task(test_source="visible")).test_source == "visible"
    stored = {"options": {"test_source": "self+visible", "max_self_tests": 5, "timeout_s": 5.0}}
    assert domain.options(task(test_source="visible"), stored) == Options()


@pytest.mark.parametrize(
    ("layer", "message"),
    [
        ({"test_source": "hidden"}, r"test_source .* must be one of self\+visible, self, visible, none"),
        ({"max_self_tests": "0"}, "max_self_tests must be a positive int"),
        ({"max_self_tests": True}, "max_self_tests must be a positive int"),
        ({"timeout_s": "soon"}, "timeout_s must be a positive float"),
    ],
)
def test_bad_values_are_settings_errors(layer, message):
    with pytest.raises(SettingsError, match=message):
        resolve(layer)


def test_only_set_variables_count():
    assert options_from_env({"REFLEXION_TEST_SOURCE": " ", "REFLEXION_MAX_SELF_TESTS": "2"}) == {"max_self_tests": "2"}
