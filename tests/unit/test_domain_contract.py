"""The domain contract: one abstract base class, required methods enforced, misspelt hooks refused."""

from __future__ import annotations

import sys
import types

import pytest

from reflexion.domains import BUILTIN, Domain, domain_names, get_domain
from reflexion.domains.base import HOOKS
from reflexion.errors import TaskError


class _Complete(Domain):
    name = "complete"

    def load_tasks(self, source=None):
        return []

    def act(self, step, memory):
        raise NotImplementedError

    def evaluate(self, step, attempt):
        raise NotImplementedError


def test_every_builtin_domain_subclasses_the_one_base_class():
    for name in BUILTIN:
        assert isinstance(get_domain(name), Domain), name


def test_a_domain_without_a_required_method_cannot_be_made():
    class NoEvaluate(Domain):
        def load_tasks(self, source=None):
            return []

        def act(self, step, memory):
            raise NotImplementedError

    with pytest.raises(TypeError, match="evaluate"):
        NoEvaluate()


def test_the_optional_hooks_have_defaults():
    domain = _Complete()
    assert domain.settings() == {} and domain.actor_graph() is None and domain.score({}, "x") is None
    assert domain.same_candidate("A  b", "a b") and not domain.same_candidate("a", "b")


@pytest.mark.parametrize("misspelt, meant", [("actor_grpah", "actor_graph"), ("setting", "settings"), ("render_trail", "render_trial")])
def test_a_misspelt_hook_fails_when_the_class_is_defined(misspelt, meant):
    with pytest.raises(TypeError, match=f"did you mean '{meant}'"):
        type("Typo", (_Complete,), {misspelt: lambda self: None})


def test_own_helpers_and_private_methods_are_left_alone():
    helper = type("Helpers", (_Complete,), {"reasoning": lambda self: "", "_settings": lambda self: {}, "options": lambda self: {}})
    assert helper().reasoning() == ""


def test_hooks_are_what_the_loop_calls():
    assert HOOKS == {"load_tasks", "act", "evaluate", "aact", "aevaluate", "render_trial", "score", "same_candidate", "settings", "actor_graph"}


@pytest.fixture
def plugin_module(monkeypatch):
    """A module standing in for an installed package's domains, registered like an entry point."""
    module = types.ModuleType("fake_domains")
    monkeypatch.setitem(sys.modules, "fake_domains", module)

    def register(attr: str, value: object) -> str:
        setattr(module, attr, value)
        monkeypatch.setitem(BUILTIN, attr.lower(), f"fake_domains:{attr}")
        return attr.lower()

    return register


def test_get_domain_names_the_missing_methods_of_an_abstract_class(plugin_module):
    class Half(Domain):
        def load_tasks(self, source=None):
            return []

    name = plugin_module("Half", Half)
    with pytest.raises(TaskError, match="does not implement act, evaluate"):
        get_domain(name)


def test_get_domain_refuses_a_class_that_is_not_a_domain(plugin_module):
    name = plugin_module("NotADomain", object)
    with pytest.raises(TaskError, match="not a subclass of reflexion.domains.Domain"):
        get_domain(name)


def test_get_domain_reports_a_missing_class_in_one_line(plugin_module):
    name = plugin_module("Present", _Complete)
    BUILTIN[name] = "fake_domains:Absent"
    with pytest.raises(TaskError, match="cannot be loaded"):
        get_domain(name)
    assert name in domain_names()
