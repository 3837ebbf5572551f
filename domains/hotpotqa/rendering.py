"""Trials and memory as text, for the actor's prompt, the self-reflection prompt and the judge."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reflexion.domains.base import ActorMemory
from reflexion.state import TrialRecord


def render_reflections(reflections: list[str]) -> str:
    return "\n".join(f"- {r}" for r in reflections) or "(none)"


def render_last_attempt(memory: ActorMemory, render: Callable[[TrialRecord], str]) -> str:
    """The previous trial and its feedback, for the ``last_attempt`` strategies; "(none)" otherwise."""
    last = memory.last_trial
    return f"{render(last)}\nFeedback: {last['feedback']['text']}" if last else "(none)"


def render_scratchpad(trajectory: list[dict[str, Any]]) -> str:
    """ReAct steps as numbered Thought / Action / Observation lines (a finish step has no observation)."""
    lines: list[str] = []
    for number, step in enumerate(trajectory, start=1):
        lines.append(f"Thought {number}: {step.get('thought', '')}")
        lines.append(f"Action {number}: {step.get('action', '')}")
        if step.get("observation"):
            lines.append(f"Observation {number}: {step['observation']}")
    return "\n".join(lines)


def render_react_trial(record: TrialRecord) -> str:
    steps = record["trajectory"]
    ending = (
        f"Final answer: {record['candidate']}"
        if record["candidate"]
        else f"No answer: stopped after {len(steps)} steps without finish[...]."
    )
    return "\n".join(part for part in (f"Trial {record['trial']}:", render_scratchpad(steps), ending) if part)


def render_cot_trial(record: TrialRecord, *, with_context: bool) -> str:
    """A chain-of-thought trial; ``with_context`` adds the paragraphs the actor read (for the reflector)."""
    step = record["trajectory"][0] if record["trajectory"] else {}
    parts = [f"Trial {record['trial']}:"]
    if with_context and step.get("context"):
        parts.append(f"Context:\n{step['context']}\n")
    parts.append(f"Reasoning: {step.get('thought', '').strip() or '(none)'}")
    parts.append(f"Final answer: {record['candidate']}" if record["candidate"] else "No answer: the reply had no 'Answer:' line.")
    return "\n".join(parts)
