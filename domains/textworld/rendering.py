"""Episodes as text: the transcript the actor continues, and the compact trial the reflection reads."""

from __future__ import annotations

from typing import Final

from reflexion.domains.base import ActorMemory
from reflexion.domains.textworld import trajectory as tr
from reflexion.state import TrialRecord

MAX_OBSERVATION_CHARS: Final = 400  # per step in a rendered trial; the opening is always shown whole


def render_transcript(trajectory: list[tr.TrajectoryStep], *, max_observation_chars: int | None = None) -> str:
    """The episode as the game would print it: opening, then ``think:``/``> command`` and what followed."""
    blocks = []
    for step in trajectory:
        kind = step.get("kind")
        observation = str(step.get("observation", ""))
        if kind != "start" and max_observation_chars and len(observation) > max_observation_chars:
            observation = observation[:max_observation_chars] + " [...]"
        lines = []
        if step.get("thought"):
            lines.append(f"think: {step['thought']}")
        if kind == "act":
            lines.append(f"> {step['action']}")
        elif kind == "invalid":
            lines.append(f"(unreadable reply: {step.get('reply', '')})")
        if kind != "think":  # a thought's "OK." adds nothing to read
            lines.append(observation)
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def render_trial(record: TrialRecord) -> str:
    trajectory = record["trajectory"]
    head = f"Trial {record['trial']}: {tr.model_turns(trajectory)} steps, score {tr.score(trajectory)}/{tr.max_score(trajectory)}."
    return f"{head}\n{render_transcript(trajectory, max_observation_chars=MAX_OBSERVATION_CHARS)}"


def render_reflections(reflections: list[str]) -> str:
    return "\n".join(f"- {text}" for text in reflections) or "(none)"


def render_last_attempt(memory: ActorMemory) -> str:
    last = memory.last_trial
    if last is None:
        return "(none)"
    return f"{render_trial(last)}\nFeedback: {last['feedback']['text']}"
