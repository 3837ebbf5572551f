"""Where the HotPotQA domains find their data and which evaluator and step cap they use.

Environment variables (a domain's constructor arguments win over them):

- ``REFLEXION_HOTPOTQA``: the task file; default: the nearest
  ``shared/data/hotpotqa-distractor-100.jsonl`` at or above the working directory
  (``reflexion.data``).
- ``REFLEXION_HOTPOTQA_EVALUATOR``: ``exact`` (exact match against the label, the paper's; default)
  or ``llm`` (the evaluator model judges the answer without seeing the label).
- ``REFLEXION_HOTPOTQA_MAX_STEPS``: the ReAct actor's step cap per trial (default 6, as in the paper's code).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final, Literal

from reflexion.data import shared_data_file
from reflexion.errors import SettingsError

EvaluatorKind = Literal["exact", "llm"]
EVALUATORS: Final[tuple[EvaluatorKind, ...]] = ("exact", "llm")
DEFAULT_MAX_STEPS: Final = 6
MAX_STEPS_LIMIT: Final = 50  # far beyond the paper's 6-7; guards against a typo such as 600

ENV_DATA: Final = "REFLEXION_HOTPOTQA"
ENV_EVALUATOR: Final = "REFLEXION_HOTPOTQA_EVALUATOR"
ENV_MAX_STEPS: Final = "REFLEXION_HOTPOTQA_MAX_STEPS"
DEFAULT_DATA: Final = "hotpotqa-distractor-100.jsonl"  # in ../shared/data beside a checkout


def data_path(source: str | None = None) -> Path:
    """The task file: ``source``, else ``$REFLEXION_HOTPOTQA``, else the nearest
    ``shared/data/hotpotqa-distractor-100.jsonl`` at or above the working directory."""
    if source:
        return Path(source)
    if os.environ.get(ENV_DATA):
        return Path(os.environ[ENV_DATA])  # the loader says so when it is missing
    return shared_data_file(DEFAULT_DATA, ENV_DATA, what="HotPotQA")


def evaluator_kind(value: str | None = None) -> EvaluatorKind:
    """``value``, else ``$REFLEXION_HOTPOTQA_EVALUATOR``, else ``exact``; anything else is an error."""
    chosen = (value or os.environ.get(ENV_EVALUATOR) or "exact").strip().lower()
    if chosen not in EVALUATORS:
        raise SettingsError(f"{ENV_EVALUATOR} must be one of {', '.join(EVALUATORS)}, got {chosen!r}")
    return chosen  # type: ignore[return-value]  # checked against EVALUATORS above


def max_steps(value: int | None = None) -> int:
    """``value``, else ``$REFLEXION_HOTPOTQA_MAX_STEPS``, else 6."""
    raw: int | str = value if value is not None else os.environ.get(ENV_MAX_STEPS) or DEFAULT_MAX_STEPS
    try:
        steps = int(raw)
    except (TypeError, ValueError):
        raise SettingsError(f"{ENV_MAX_STEPS} must be a whole number of steps, got {raw!r}") from None
    if not 1 <= steps <= MAX_STEPS_LIMIT:
        raise SettingsError(f"{ENV_MAX_STEPS} must be between 1 and {MAX_STEPS_LIMIT}, got {steps}")
    return steps
