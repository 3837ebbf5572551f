"""Graph state of one Reflexion run: plain, checkpoint-safe types only.

Short-term memory is the current trial's ``trajectory`` (reset by the actor at the start of every
trial); long-term, episodic memory is ``reflections``, a reducer-backed list that only ever grows,
so the checkpointer carries it across trials, crashes and resumes.
"""

from __future__ import annotations

import operator
from typing import Annotated, Any, Literal, NotRequired, TypedDict

from reflexion.errors import SettingsError

Strategy = Literal["none", "last_attempt", "reflexion", "last_attempt_and_reflexion"]
STRATEGIES: tuple[Strategy, ...] = ("none", "last_attempt", "reflexion", "last_attempt_and_reflexion")

Outcome = Literal["running", "solved", "failed"]
Decision = Literal["retry", "reflect", "stop"]


class Task(TypedDict):
    """One task of a domain. ``data`` is the domain's own (plain) payload."""

    id: str
    domain: str
    prompt: str
    data: dict[str, Any]


class Feedback(TypedDict):
    """The evaluator's verdict on one trial."""

    score: float
    success: bool
    text: str


class TrialRecord(TypedDict):
    """What one finished trial leaves in the run's log (read by ``history`` and ``last_attempt``)."""

    trial: int
    candidate: str
    feedback: Feedback
    trajectory: list[dict[str, Any]]
    repeats: NotRequired[int | None]  # the earlier trial whose candidate this one repeated, if any


class Usage(TypedDict):
    calls: int
    input_tokens: int
    output_tokens: int


def merge_usage(left: dict[str, Usage] | None, right: dict[str, Usage] | None) -> dict[str, Usage]:
    """Reducer: add per-role LLM call and token counts."""
    merged: dict[str, Usage] = {role: dict(u) for role, u in (left or {}).items()}  # type: ignore[misc]
    for role, usage in (right or {}).items():
        into = merged.setdefault(role, {"calls": 0, "input_tokens": 0, "output_tokens": 0})
        for key in ("calls", "input_tokens", "output_tokens"):
            into[key] += usage.get(key, 0)  # type: ignore[literal-required]
    return merged


def merge_dicts(left: dict[str, Any] | None, right: dict[str, Any] | None) -> dict[str, Any]:
    """Reducer: shallow update, so nodes can add keys without resending the rest."""
    return {**(left or {}), **(right or {})}


class ReflexionState(TypedDict):
    task: Task
    # Settings are state, not context, so that a resumed run keeps the ones it started with.
    max_trials: int
    memory_window: int
    strategy: Strategy
    # The actor's temperature for a retry that follows a repeated attempt (0 turns sampling off).
    retry_temperature: NotRequired[float]
    # A person reviews each reflection before the next trial reads it (the ``review`` node).
    review_reflections: NotRequired[bool]
    # The domain's settings as the run started with them (``Domain.settings()``): a resumed run keeps them.
    domain_settings: NotRequired[dict[str, Any]]

    trial: NotRequired[int]
    trajectory: NotRequired[Annotated[list[dict[str, Any]], operator.add]]
    candidate: NotRequired[str]
    feedback: NotRequired[Feedback]
    reflections: NotRequired[Annotated[list[str], operator.add]]
    # Who wrote each reflection, in step with ``reflections``: "model", or "human" (written or edited by a person).
    reflection_authors: NotRequired[Annotated[list[str], operator.add]]
    draft_reflection: NotRequired[str]  # the model's reflection waiting for a person's review ("" when none)
    trials: NotRequired[Annotated[list[TrialRecord], operator.add]]
    decision: NotRequired[Decision]
    outcome: NotRequired[Outcome]
    final_trial: NotRequired[int]  # the trial whose candidate the run answers with (set when it stops)
    # Domain-owned data that lives across trials of one task (e.g. the self-written unit tests).
    domain_data: NotRequired[Annotated[dict[str, Any], merge_dicts]]
    usage: NotRequired[Annotated[dict[str, Usage], merge_usage]]


DEFAULT_RETRY_TEMPERATURE = 0.7


def new_run(
    task: Task,
    *,
    max_trials: int = 5,
    memory_window: int = 3,
    strategy: Strategy = "reflexion",
    retry_temperature: float = DEFAULT_RETRY_TEMPERATURE,
    review_reflections: bool = False,
    domain_settings: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The input that starts a fresh run of ``task``; validates the settings. ``domain_settings``
    (``domain.settings()``) pins the domain's settings for the whole run, resumes included."""
    if isinstance(retry_temperature, bool) or not isinstance(retry_temperature, int | float) or not 0 <= retry_temperature <= 2:
        raise SettingsError(f"retry temperature must be a number from 0 to 2, got {retry_temperature!r}")
    if not isinstance(max_trials, int) or max_trials < 1:
        raise SettingsError(f"max trials must be a positive integer, got {max_trials!r}")
    if not isinstance(memory_window, int) or memory_window < 1:
        raise SettingsError(f"memory window must be a positive integer, got {memory_window!r}")
    if strategy not in STRATEGIES:
        raise SettingsError(f"unknown strategy {strategy!r}; choose one of: {', '.join(STRATEGIES)}")
    return {
        "task": task,
        "max_trials": 1 if strategy == "none" else max_trials,
        "memory_window": memory_window,
        "strategy": strategy,
        "retry_temperature": float(retry_temperature),
        "review_reflections": bool(review_reflections),
        **({"domain_settings": dict(domain_settings)} if domain_settings is not None else {}),
        "trial": 1,
        "outcome": "running",
    }
