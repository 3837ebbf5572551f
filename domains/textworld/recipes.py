"""Game recipes: which TextWorld challenge, with which settings and seed. A task carries its recipe,
never the game itself; the game is generated from the recipe on demand (see ``games.py``).

The settings are those of ``tw-make <challenge>`` (e.g. ``{"level": 5}`` for ``tw-treasure_hunter``),
checked and completed with their defaults by the challenge's own argument parser, so a recipe means
exactly what the same ``tw-make`` command line would.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, NoReturn

import textworld
import textworld.challenges

from reflexion.errors import TaskError


@dataclass(frozen=True)
class GameRecipe:
    challenge: str  # a TextWorld challenge, e.g. "tw-simple", "tw-treasure_hunter", "tw-cooking"
    seed: int
    settings: dict[str, Any] = field(default_factory=dict)  # complete: every setting of the challenge

    @classmethod
    def checked(cls, challenge: str, seed: int, settings: dict[str, Any], where: str) -> GameRecipe:
        """A recipe whose challenge exists and whose settings the challenge accepts (defaults filled in)."""
        if challenge not in textworld.challenges.CHALLENGES:
            known = ", ".join(sorted(textworld.challenges.CHALLENGES))
            raise TaskError(f"{where}: unknown TextWorld challenge {challenge!r}; known: {known}")
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise TaskError(f"{where}: seed must be a non-negative integer, got {seed!r}")
        return cls(challenge, seed, challenge_settings(challenge, settings, where))

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> GameRecipe:
        return cls(data["challenge"], data["seed"], dict(data["settings"]))

    def as_data(self) -> dict[str, Any]:
        return {"challenge": self.challenge, "seed": self.seed, "settings": dict(self.settings)}

    def key(self) -> str:
        """Names the generated game: the recipe and the TextWorld version that builds it."""
        text = json.dumps({**self.as_data(), "textworld": textworld.__version__}, sort_keys=True)
        return f"{self.challenge}-{self.seed}-{hashlib.sha256(text.encode()).hexdigest()[:12]}"

    def describe(self) -> str:
        shown = ", ".join(f"{k}={v}" for k, v in sorted(self.settings.items()) if v not in (None, False))
        return f"{self.challenge} (seed {self.seed}{', ' + shown if shown else ''})"


class _RaisingParser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage and exiting."""

    def error(self, message: str) -> NoReturn:
        raise ValueError(message)


def challenge_settings(challenge: str, settings: dict[str, Any], where: str) -> dict[str, Any]:
    """``settings`` checked by the challenge's ``tw-make`` parser, with its defaults filled in."""
    if not isinstance(settings, dict):
        raise TaskError(f"{where}: settings must be an object, got {type(settings).__name__}")
    _, _, add_arguments = textworld.challenges.CHALLENGES[challenge]
    parser = _RaisingParser(prog=f"tw-make {challenge}", add_help=False)
    add_arguments(parser)
    argv: list[str] = []
    for key, value in settings.items():
        flag = "--" + str(key).replace("_", "-")
        if value is True:
            argv.append(flag)  # a switch such as --open
        elif value not in (False, None):
            argv += [flag, str(value)]
    try:
        return vars(parser.parse_args(argv))
    except ValueError as exc:
        raise TaskError(f"{where}: bad settings for {challenge} {settings}: {exc}") from None
