"""Decide node: stop on success or when the trial budget is spent, else start the next trial.

The decision is made here and stored in state; the router in the graph only reads it, so a
resumed run never re-decides differently (langgraph issue 8834).
"""

from __future__ import annotations

from typing import Any

from langgraph.types import Overwrite

from reflexion.state import ReflexionState


def decide(state: ReflexionState) -> dict[str, Any]:
    if state["feedback"]["success"]:
        return {"decision": "stop", "outcome": "solved"}
    if state["strategy"] == "none" or state["trial"] >= state["max_trials"]:
        return {"decision": "stop", "outcome": "failed"}
    return {
        "decision": "reflect" if "reflexion" in state["strategy"] else "retry",
        "outcome": "running",
        "trial": state["trial"] + 1,
        "trajectory": Overwrite([]),  # short-term memory starts empty each trial
        "candidate": "",
    }
