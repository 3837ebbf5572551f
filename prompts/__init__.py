"""Prompts are text files in this folder: ``<role>.txt``, or ``<domain>/<role>.txt`` to override one
role for one domain. Placeholders are ``$name`` (``string.Template``), so code braces need no escaping.

A domain installed from another package ships its own prompts: its class names a package of text
files in ``prompt_package`` (``<role>.txt`` there wins over everything here), and ``get_domain``
registers it with :func:`register_prompt_package`.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from string import Template

_PACKAGES: dict[str, str] = {}  # domain name -> the package that holds its own prompts


def register_prompt_package(domain: str, package: str) -> None:
    """Look for ``domain``'s prompts in ``package`` (an importable package of ``<role>.txt`` files) first."""
    if _PACKAGES.get(domain) != package:
        _PACKAGES[domain] = package
        load_prompt.cache_clear()


@cache
def load_prompt(role: str, domain: str | None = None) -> Template:
    """The prompt template for ``role``, preferring the domain's own file when it has one."""
    root = files(__name__)
    own = [files(_PACKAGES[domain]) / f"{role}.txt"] if domain in _PACKAGES else []
    for candidate in own + ([root / domain / f"{role}.txt"] if domain else []) + [root / f"{role}.txt"]:
        if candidate.is_file():
            return Template(candidate.read_text(encoding="utf-8"))
    where = f"prompts/{domain}/{role}.txt or prompts/{role}.txt" if domain else f"prompts/{role}.txt"
    raise FileNotFoundError(f"no prompt for role {role!r}: expected {where}")


def render_prompt(role: str, domain: str | None = None, /, **values: object) -> str:
    """Fill a prompt; a placeholder without a value is an error, not a silent ``$name``."""
    return load_prompt(role, domain).substitute({k: str(v) for k, v in values.items()})
