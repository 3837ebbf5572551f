"""How an episode is played and judged: step cap, repeat limit, evaluator kind, the commands shown.

Each setting comes from the task's own row first, then the domain's constructor, then the
environment, then the default. ``load_tasks`` writes the resolved settings into the task's data, so
a resumed run keeps the settings it started with.

Environment variables:

- ``REFLEXION_TEXTWORLD_MAX_STEPS``: model turns per episode (default 30, ALFWorld-like).
- ``REFLEXION_TEXTWORLD_REPEAT_LIMIT``: this many identical consecutive actions with the same result
  end the episode as a failure (default 3, the paper's heuristic).
- ``REFLEXION_TEXTWORLD_EVALUATOR``: ``heuristic`` (the game's won/lost signal plus the heuristics;
  default) or ``llm`` (the evaluator model judges the transcript without the game's signal).
- ``REFLEXION_TEXTWORLD_SHOW_COMMANDS``: ``1`` (default) lists the game's valid commands in every
  actor prompt; ``0`` leaves the actor to find them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Final, Literal, get_args

from reflexion.errors import SettingsError

EvaluatorKind = Literal["heuristic", "llm"]
EVALUATORS: Final[tuple[EvaluatorKind, ...]] = get_args(EvaluatorKind)

MAX_STEPS_LIMIT: Final = 200  # guards against a typo such as 3000

ENV_VARS: Final[dict[str, str]] = {
    "max_steps": "REFLEXION_TEXTWORLD_MAX_STEPS",
    "repeat_limit": "REFLEXION_TEXTWORLD_REPEAT_LIMIT",
    "evaluator": "REFLEXION_TEXTWORLD_EVALUATOR",
    "show_commands": "REFLEXION_TEXTWORLD_SHOW_COMMANDS",
}


@dataclass(frozen=True)
class PlaySettings:
    max_steps: int = 30
    repeat_limit: int = 3
    evaluator: EvaluatorKind = "heuristic"
    show_commands: bool = True

    def as_data(self) -> dict[str, Any]:
        return asdict(self)


def settings_from_env(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The settings set in the environment (only those that are set)."""
    env = os.environ if env is None else env
    return {key: env[name] for key, name in ENV_VARS.items() if env.get(name, "").strip()}


def resolve(*layers: Mapping[str, Any] | None) -> PlaySettings:
    """Settings from ``layers``, the first layer that sets a value winning; every value is checked."""
    merged: dict[str, Any] = {}
    for layer in reversed([layer for layer in layers if layer]):
        merged.update({k: v for k, v in layer.items() if k in PlaySettings.__dataclass_fields__ and v is not None})
    defaults = PlaySettings()
    return PlaySettings(
        max_steps=_whole(merged.get("max_steps", defaults.max_steps), "max_steps", 1, MAX_STEPS_LIMIT),
        repeat_limit=_whole(merged.get("repeat_limit", defaults.repeat_limit), "repeat_limit", 2, MAX_STEPS_LIMIT),
        evaluator=_evaluator(merged.get("evaluator", defaults.evaluator)),
        show_commands=_flag(merged.get("show_commands", defaults.show_commands), "show_commands"),
    )


def _name(key: str) -> str:
    return f"{key} ({ENV_VARS[key]})"


def _whole(value: Any, key: str, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise SettingsError(f"textworld {_name(key)} must be a whole number, got {value!r}") from None
    if not low <= number <= high:
        raise SettingsError(f"textworld {_name(key)} must be between {low} and {high}, got {number}")
    return number


def _evaluator(value: Any) -> EvaluatorKind:
    chosen = str(value).strip().lower()
    if chosen not in EVALUATORS:
        raise SettingsError(f"textworld {_name('evaluator')} must be one of {', '.join(EVALUATORS)}, got {value!r}")
    return chosen  # type: ignore[return-value]  # checked against EVALUATORS above


def _flag(value: Any, key: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"textworld {_name(key)} must be 1 or 0, got {value!r}")
