"""Decide node: stop on success or when the trial budget is spent, else start the next trial.

The decision is made here and stored in state; the router in the graph only reads it, so a
resumed run never re-decides differently (langgraph issue 8834). A run that stops answers with its
best trial (``reflexion.selection.best_trial``): the last one unless a later "fix" scored worse
than an earlier attempt, or tied with attempts the evaluator saw more often.
"""

from __future__ import annotations

from typing import Any

from langgraph.types import Overwrite

from reflexion.selection import best_trial
from reflexion.state import ReflexionState


def decide(state: ReflexionState) -> dict[str, Any]:
    if state["feedback"]["success"] or state["strategy"] == "none" or state["trial"] >= state["max_trials"]:
        answer = best_trial(state["trials"])
        return {
            "decision": "stop",
            "outcome": "solved" if answer["feedback"]["success"] else "failed",
            "final_trial": answer["trial"],
            "candidate": answer["candidate"],
        }
    return {
        "decision": "reflect" if "reflexion" in state["strategy"] else "retry",
        "outcome": "running",
        "trial": state["trial"] + 1,
        "trajectory": Overwrite([]),  # short-term memory starts empty each trial
        "candidate": "",
    }
