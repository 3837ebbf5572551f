"""One way to state a run: its settings, validated in one place, used by ``new_run`` (code), ``reflexion
run``, ``reflexion bench`` (``BenchSettings`` adds how many tasks run at once) and the demo.

A bad value is one :class:`~reflexion.errors.SettingsError` line naming the setting the way the user
wrote it: ``max trials (--max-trials) must be a positive integer, got 0``.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any, Self

from reflexion.errors import SettingsError
from reflexion.state import DEFAULT_RETRY_TEMPERATURE, STRATEGIES, Strategy, Task


@dataclass(frozen=True, kw_only=True)
class RunSettings:
    strategy: Strategy = "reflexion"
    max_trials: int = 5
    memory_window: int = 3
    retry_temperature: float = DEFAULT_RETRY_TEMPERATURE
    review_reflections: bool = False

    def __post_init__(self) -> None:  # checked before any model starts
        _positive(self.max_trials, "max trials (--max-trials)")
        _positive(self.memory_window, "memory window (--window)")
        value = self.retry_temperature
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 2:
            raise SettingsError(f"retry temperature (--retry-temperature) must be a number from 0 to 2, got {value!r}")
        if self.strategy not in STRATEGIES:
            raise SettingsError(f"unknown strategy {self.strategy!r}; choose one of: {', '.join(STRATEGIES)}")
        if not isinstance(self.review_reflections, bool):
            raise SettingsError(f"review reflections must be true or false, got {self.review_reflections!r}")

    @property
    def budget(self) -> int:
        """Trials the run may take: a single attempt for ``none``."""
        return 1 if self.strategy == "none" else self.max_trials

    def start(self, task: Task, domain_settings: dict[str, Any] | None = None) -> dict[str, Any]:
        """The graph input that starts a fresh run of ``task`` with these settings. ``domain_settings``
        (``domain.settings()``) pins the domain's settings for the whole run, resumes included."""
        return {
            "task": task,
            "max_trials": self.budget,
            "memory_window": self.memory_window,
            "strategy": self.strategy,
            "retry_temperature": float(self.retry_temperature),
            "review_reflections": self.review_reflections,
            **({"domain_settings": dict(domain_settings)} if domain_settings is not None else {}),
            "trial": 1,
            "outcome": "running",
        }

    @classmethod
    def from_args(cls, args: argparse.Namespace, **extra: Any) -> Self:
        """The settings a command line asked for (``reflexion run`` / ``bench`` options)."""
        return cls(strategy=args.strategy, max_trials=args.max_trials, memory_window=args.window,
                   retry_temperature=args.retry_temperature, review_reflections=getattr(args, "review_reflections", False),
                   **extra)  # fmt: skip


def new_run(task: Task, *, domain_settings: dict[str, Any] | None = None, **settings: Any) -> dict[str, Any]:
    """The input that starts a fresh run of ``task``: ``new_run(task, max_trials=5, strategy="reflexion")``;
    the keywords are :class:`RunSettings`' fields, validated there."""
    return RunSettings(**settings).start(task, domain_settings)


def add_run_options(parser: argparse.ArgumentParser, *, default_strategy: Strategy = "reflexion") -> None:
    """The command-line options of :class:`RunSettings` (``--strategy``, ``--max-trials``, ``--window``,
    ``--retry-temperature``), the same for ``run`` and ``bench``."""
    parser.add_argument("--strategy", choices=STRATEGIES, default=default_strategy, help=f"what carries over between trials (default: {default_strategy})")
    parser.add_argument("--max-trials", type=int, default=5, metavar="T", help="trial budget per task (default: 5)")
    parser.add_argument("--window", type=int, default=3, metavar="K", help="reflections the actor sees (default: 3)")
    parser.add_argument("--retry-temperature", type=float, default=DEFAULT_RETRY_TEMPERATURE, metavar="T",
                        help="the actor's temperature for a redraw of an attempt that repeated an earlier one; 0: always greedy "
                        f"(default: {DEFAULT_RETRY_TEMPERATURE})")  # fmt: skip


def _positive(value: Any, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SettingsError(f"{name} must be a positive integer, got {value!r}")
