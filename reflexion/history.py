"""Looking back at a thread: its checkpoints (for time travel) and its trials with their lessons."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from langgraph.graph.state import CompiledStateGraph

from reflexion.runner import thread_config


@dataclass(frozen=True)
class CheckpointRow:
    checkpoint_id: str
    step: int
    trial: int | None
    next: str  # the node that runs next from here ("" when the run had finished)
    score: float | None
    reflections: int
    created_at: str


@dataclass(frozen=True)
class TrialView:
    trial: int
    candidate: str
    score: float
    success: bool
    feedback: str
    reflection: str | None  # the lesson written after this trial, if any
    reflection_author: str | None = None  # "model", or "human" when a person wrote or edited it


def checkpoints(graph: CompiledStateGraph, thread_id: str) -> list[CheckpointRow]:
    """Every checkpoint of the thread, newest first (including other branches after a fork)."""
    rows = []
    for snap in graph.get_state_history(thread_config(thread_id)):
        values = snap.values or {}
        feedback = values.get("feedback")
        rows.append(
            CheckpointRow(
                checkpoint_id=snap.config["configurable"]["checkpoint_id"],
                step=(snap.metadata or {}).get("step", -1),
                trial=values.get("trial"),
                next=",".join(snap.next),
                score=feedback["score"] if feedback else None,
                reflections=len(values.get("reflections", [])),
                created_at=snap.created_at or "",
            )
        )
    return rows


def trials(values: dict[str, Any]) -> list[TrialView]:
    """The finished trials of a run, each with the reflection written after it.

    Reflections are written once after each failed trial that led to another one, in order, so the
    i-th reflection belongs to the i-th such trial.
    """
    reflections = list(values.get("reflections", []))
    authors = list(values.get("reflection_authors", []))
    views = []
    for index, record in enumerate(values.get("trials", [])):
        fb = record["feedback"]
        views.append(
            TrialView(
                trial=record["trial"],
                candidate=record["candidate"],
                score=fb["score"],
                success=fb["success"],
                feedback=fb["text"],
                reflection=reflections[index] if index < len(reflections) else None,
                # Runs from before authors were recorded: every reflection there was the model's.
                reflection_author=(authors[index] if index < len(authors) else "model") if index < len(reflections) else None,
            )
        )
    return views
