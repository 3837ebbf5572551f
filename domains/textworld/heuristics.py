"""When an episode ends, and why: the game's own won/lost signal plus the paper's two heuristics.

The heuristics end an episode as a failure: the same action repeated ``repeat_limit`` times in a row
with the same result (the paper's "same action and same response"; requiring the same response keeps
``go north`` through a corridor of rooms from counting as a loop), or ``max_steps`` model turns used
without winning. A win always counts as a win, even on the last allowed step or on a repeated
action; reaching the step cap never does (the reference code once counted it as a success).

Thinking and unreadable replies neither extend nor break a run of repeated actions: they are not
actions, and an actor that alternates a thought with the same useless command is still looping.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from reflexion.domains.textworld import trajectory as tr
from reflexion.domains.textworld.settings import PlaySettings

EndReason = Literal["won", "lost", "repeated", "step_cap", "unfinished"]  # unfinished: stopped for no known reason


@dataclass(frozen=True)
class EpisodeEnd:
    reason: EndReason
    text: str  # one sentence for the feedback and the reflection

    @property
    def won(self) -> bool:
        return self.reason == "won"


def episode_end(trajectory: list[tr.TrajectoryStep], settings: PlaySettings) -> EpisodeEnd | None:
    """Why the episode is over, or ``None`` while it goes on."""
    steps = tr.model_turns(trajectory)
    status = tr.status(trajectory)
    if status == "won":
        return EpisodeEnd("won", f"won the game in {_steps(steps)}")
    if status == "lost":
        return EpisodeEnd("lost", f"lost the game after {_steps(steps)}: {_last_observation(trajectory)}")
    if (repeated := repeated_action(trajectory, settings.repeat_limit)) is not None:
        return EpisodeEnd("repeated", f"repeated action '{repeated}' {settings.repeat_limit} times with the same result")
    if steps >= settings.max_steps:
        return EpisodeEnd("step_cap", f"step cap {settings.max_steps} reached without winning")
    return None


def repeated_action(trajectory: list[tr.TrajectoryStep], limit: int) -> str | None:
    """The action of the last ``limit`` actions when they are all the same, with the same result."""
    recent = [step for step in trajectory if step.get("kind") == "act"][-limit:]
    if len(recent) < limit:
        return None
    first = recent[0]
    if all(step["action"] == first["action"] and step["observation"] == first["observation"] for step in recent):
        return first["action"]
    return None


def _steps(count: int) -> str:
    return f"{count} step{'' if count == 1 else 's'}"


def _last_observation(trajectory: list[tr.TrajectoryStep], limit: int = 200) -> str:
    text = " ".join(str(trajectory[-1].get("observation", "")).split()) or "(no message)"
    return text if len(text) <= limit else text[: limit - 3] + "..."
