"""Task domains, looked up by name. Third-party domains register under the ``reflexion.domains``
entry point group (``name = "package.module:DomainClass"``); the loop never changes for a new one.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import entry_points
from inspect import isabstract
from typing import Any

from reflexion.domains.base import ActorMemory, Attempt, Domain, Emit, Evaluation, Step
from reflexion.errors import SettingsError, TaskError
from reflexion.prompts import register_prompt_package

BUILTIN: dict[str, str] = {
    "qa": "reflexion.domains.qa:QADomain",
    "hotpotqa-cot-gt": "reflexion.domains.hotpotqa:HotpotCoTGoldDomain",
    "hotpotqa-cot": "reflexion.domains.hotpotqa:HotpotCoTDomain",
    "hotpotqa-react": "reflexion.domains.hotpotqa:HotpotReActDomain",
    "programming": "reflexion.domains.programming:ProgrammingDomain",
    "textworld": "reflexion.domains.textworld:TextWorldDomain",
}


def domain_names() -> list[str]:
    return sorted({*BUILTIN, *(ep.name for ep in entry_points(group="reflexion.domains"))})


def get_domain(name: str, **settings: Any) -> Domain:
    """An instance of the domain called ``name``, made with its ``settings`` (its constructor's keywords)."""
    target = BUILTIN.get(name)
    if target is None:
        found = [ep.value for ep in entry_points(group="reflexion.domains") if ep.name == name]
        if not found:
            raise TaskError(f"unknown domain {name!r}; known domains: {', '.join(domain_names())}")
        target = found[0]
    module, _, attr = target.partition(":")
    try:
        cls = getattr(import_module(module), attr)
    except ImportError as exc:
        raise TaskError(f"domain {name!r} needs an optional dependency that is not installed: {exc}") from exc
    except (AttributeError, TypeError) as exc:  # no such class, or a class Domain refused (a misspelt hook)
        raise TaskError(f"domain {name!r} ({target}) cannot be loaded: {exc}") from exc
    if not (isinstance(cls, type) and issubclass(cls, Domain)):
        raise TaskError(f"domain {name!r} ({target}) is not a subclass of reflexion.domains.Domain")
    if isabstract(cls):
        missing = ", ".join(sorted(cls.__abstractmethods__))
        raise TaskError(f"domain {name!r} ({target}) does not implement {missing}")
    if cls.prompt_package:
        register_prompt_package(cls.name, cls.prompt_package)
    try:
        return cls(**settings)
    except TypeError as exc:  # an unknown or missing keyword: the user's settings, not our bug
        raise SettingsError(f"bad settings for domain {name!r} ({', '.join(sorted(settings)) or 'none'}): {exc}") from exc


__all__ = ["ActorMemory", "Attempt", "Domain", "Emit", "Evaluation", "Step", "domain_names", "get_domain"]
