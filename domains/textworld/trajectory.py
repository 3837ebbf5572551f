"""The steps of one episode (the trial's trajectory, short-term memory), as plain checkpoint-safe dicts.

Every step has a ``kind``, the ``observation`` that followed it, and the game's ``score`` and
``status`` ("playing", "won", "lost") after it:

- ``start``: the opening text (objective and first room), with the game's ``max_score``;
- ``act``: an optional ``thought`` and the ``action`` sent to the game;
- ``think``: a ``thought`` alone; the game does not move and the observation is "OK.";
- ``invalid``: a ``reply`` that could not be read; the observation says what to write instead.

Every step but ``start`` is a model turn and counts towards the step cap.
"""

from __future__ import annotations

from typing import Any, Final

from reflexion.domains.textworld.parser import ParsedReply
from reflexion.domains.textworld.session import Opening, Status, Turn

TrajectoryStep = dict[str, Any]
MAX_REPLY_CHARS: Final = 300  # of an unreadable reply, kept so the reflection can see what went wrong


def start_step(opening: Opening) -> TrajectoryStep:
    return {"kind": "start", "observation": opening.observation, "score": 0, "max_score": opening.max_score, "status": "playing"}


def act_step(reply: ParsedReply, turn: Turn) -> TrajectoryStep:
    thought = {"thought": reply.thought} if reply.thought else {}
    return {"kind": "act", **thought, "action": reply.command, "observation": turn.observation, "score": turn.score, "status": turn.status}


def think_step(reply: ParsedReply, score: int) -> TrajectoryStep:
    return {"kind": "think", "thought": reply.thought, "observation": "OK.", "score": score, "status": "playing"}


def invalid_step(raw_reply: str, reply: ParsedReply, score: int) -> TrajectoryStep:
    shown = " ".join(raw_reply.split())
    if len(shown) > MAX_REPLY_CHARS:
        shown = shown[:MAX_REPLY_CHARS] + "..."
    return {"kind": "invalid", "reply": shown, "observation": reply.error, "score": score, "status": "playing"}


def model_turns(trajectory: list[TrajectoryStep]) -> int:
    return sum(1 for step in trajectory if step.get("kind") != "start")


def actions(trajectory: list[TrajectoryStep]) -> list[str]:
    """The commands sent to the game, in order: replaying them restores the game's state."""
    return [step["action"] for step in trajectory if step.get("kind") == "act"]


def status(trajectory: list[TrajectoryStep]) -> Status:
    return trajectory[-1]["status"] if trajectory else "playing"


def score(trajectory: list[TrajectoryStep]) -> int:
    return int(trajectory[-1].get("score", 0)) if trajectory else 0


def max_score(trajectory: list[TrajectoryStep]) -> int:
    return next((int(step.get("max_score", 0)) for step in trajectory if step.get("kind") == "start"), 0)
