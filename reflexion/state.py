"""Graph state of one Reflexion run: plain, checkpoint-safe types only.

Short-term memory is the current trial's ``trajectory`` (reset by the actor at the start of every
trial); long-term, episodic memory is ``reflections``, a reducer-backed list that only ever grows,
so the checkpointer carries it across trials, crashes and resumes.
"""

from __future__ import annotations

import operator
from typing import Annotated, Any, Literal, NotRequired, TypedDict

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
    merged: dict[str, Usage] = {}
    for side in (left or {}, right or {}):
        for role, usage in side.items():
            into = merged.setdefault(role, {"calls": 0, "input_tokens": 0, "output_tokens": 0})
            into["calls"] += usage.get("calls", 0)
            into["input_tokens"] += usage.get("input_tokens", 0)
            into["output_tokens"] += usage.get("output_tokens", 0)
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


def new_run(task: Task, **settings: Any) -> dict[str, Any]:
    """The input that starts a fresh run of ``task`` (``reflexion.run_settings.new_run``: the keywords
    are ``RunSettings``' fields, plus ``domain_settings``)."""
    from reflexion.run_settings import new_run as start

    return start(task, **settings)
