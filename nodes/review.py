"""Review node (human in the loop): a person accepts, edits or replaces the model's reflection.

Runs only when the run was started with ``review_reflections``. It pauses the graph with LangGraph's
``interrupt()``, showing the failed trial, its feedback and the model's draft; the run continues with
``Command(resume=...)``. The draft was written by the reflect node and kept in state, so resuming,
which runs this node again from its start, repeats no model call; a process killed while it waits
loses nothing, and resuming asks again.

What ``resume`` may be: ``None``, ``True`` or ``"accept"`` (keep the draft); ``{"reflection": TEXT}``
or a non-empty string (the person's own lesson, recorded as written by a human).
"""

from __future__ import annotations

from typing import Any

from langgraph.types import interrupt

from reflexion.errors import SettingsError
from reflexion.state import ReflexionState

ACCEPT = (None, True, "accept", "")


def review(state: ReflexionState) -> dict[str, Any]:
    last = state["trials"][-1]
    draft = state.get("draft_reflection", "")
    answer = interrupt(
        {
            "kind": "review_reflection",
            "trial": last["trial"],
            "candidate": last["candidate"],
            "feedback": last["feedback"]["text"],
            "draft_reflection": draft,
            "how_to_answer": "resume with None or 'accept' to keep the draft, or with your own text (or {'reflection': text})",
        }
    )
    text, author = reviewed(answer, draft)
    return {"reflections": [text], "reflection_authors": [author], "draft_reflection": ""}


def reviewed(answer: Any, draft: str) -> tuple[str, str]:
    """The reflection and its author from a person's ``answer`` to the review."""
    if isinstance(answer, dict):
        answer = answer.get("reflection", answer.get("text"))
    if answer in ACCEPT:
        return draft, "model"
    if not isinstance(answer, str) or not answer.strip():
        raise SettingsError(f"a reviewed reflection must be text, or 'accept'; got {answer!r}")
    text = answer.strip()
    return text, "model" if text == draft.strip() else "human"
