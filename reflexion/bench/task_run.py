"""One task of a bench: run its thread to the end (or resume it, or read it when it has ended) and
make its result row. The caller holds the thread's lock and writes the row; this is the part every
executor shares: :func:`afinish_task` for the local harness (on the event loop), :func:`finish_task`
for the Ray executor (in a worker, synchronously). Both make the row with :func:`result_row`."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from langgraph.graph.state import CompiledStateGraph

from reflexion.bench.results import ResultRow, Verdict, final_passed
from reflexion.context import Context
from reflexion.errors import ReflexionError
from reflexion.run_settings import RunSettings
from reflexion.runner import OnEvent, astream, plan_resume, stream, thread_config
from reflexion.selection import answer_after, best_trial
from reflexion.state import Task, TrialRecord

OnStart = Callable[[int, bool], OnEvent | None]
"""Called with (the trial the task starts or resumes at, whether it resumes); returns its event handler."""


def finish_task(graph: CompiledStateGraph, context: Context, settings: RunSettings, task: Task, thread_id: str,
             on_start: OnStart | None = None) -> ResultRow:  # fmt: skip
    """Start, resume or read the task's thread until it has ended; returns its row (not written)."""
    started = time.monotonic()
    config = thread_config(thread_id)
    snapshot = graph.get_state(config)
    resumed, on_event = _started(snapshot.values, on_start)
    if not resumed:
        values = stream(graph, settings.start(task, context.resolved_domain().settings()), config, context, on_event)
    else:
        plan = plan_resume(graph, thread_id, max_trials=settings.budget)
        values = snapshot.values if plan is None else stream(graph, None, plan.config, context, on_event)
    return result_row(context, task, thread_id, _ended(values, thread_id), resumed, started)


async def afinish_task(graph: CompiledStateGraph, context: Context, settings: RunSettings, task: Task, thread_id: str,
                       on_start: OnStart | None = None) -> ResultRow:  # fmt: skip
    """:func:`finish_task` on the event loop (the graph's async saver and nodes); the blocking parts
    (planning a resume, the final scoring in the sandbox) run in worker threads."""
    started = time.monotonic()
    config = thread_config(thread_id)
    snapshot = await graph.aget_state(config)
    resumed, on_event = _started(snapshot.values, on_start)
    if not resumed:
        values = await astream(graph, settings.start(task, context.resolved_domain().settings()), config, context, on_event)
    else:
        # Once per resumed task, and synchronous: a worker thread, where the async savers take sync calls.
        plan = await asyncio.to_thread(plan_resume, graph, thread_id, max_trials=settings.budget)
        values = snapshot.values if plan is None else await astream(graph, None, plan.config, context, on_event)
    return await asyncio.to_thread(result_row, context, task, thread_id, _ended(values, thread_id), resumed, started)


def _started(values: dict[str, Any], on_start: OnStart | None) -> tuple[bool, OnEvent | None]:
    """Whether the thread resumes, and its event handler. A thread killed between its first two
    commits holds only its unapplied input: it starts afresh."""
    resumed = "task" in values
    trial = values.get("trial", 1) if resumed else 1
    return resumed, (on_start(trial, resumed) if on_start is not None else None)


def _ended(values: dict[str, Any], thread_id: str) -> dict[str, Any]:
    if values.get("outcome") not in ("solved", "failed"):
        raise ReflexionError(f"thread {thread_id} stopped before its end (outcome {values.get('outcome')!r}); re-run the bench")
    return values


def result_row(context: Context, task: Task, thread_id: str, values: dict[str, Any], resumed: bool, started: float) -> ResultRow:
    """The row of a thread that has ended, with the final scoring (e.g. the hidden tests) of its answers."""
    records: list[TrialRecord] = list(values.get("trials", []))
    verdicts: list[Verdict] = [
        {"trial": r["trial"], "score": r["feedback"]["score"], "success": r["feedback"]["success"], "feedback": r["feedback"]["text"]}
        for r in records
    ]
    # The learning curve, exactly: for each budget t, the final scoring (hidden tests) of the
    # candidate the run would have answered with had it stopped after t trials. It runs after the
    # loop has ended and is never fed back; equal candidates are scored once.
    finals: dict[str, dict[str, Any] | None] = {}
    final_by_trial: list[dict[str, Any] | None] = []
    for budget in range(1, len(records) + 1):
        answer = answer_after(records, budget)
        if answer["candidate"] not in finals:
            finals[answer["candidate"]] = context.resolved_domain().score(task, answer["candidate"])
        final_by_trial.append(finals[answer["candidate"]])
    chosen = best_trial(records) if records else None
    candidate = chosen["candidate"] if chosen else ""
    final = final_by_trial[-1] if final_by_trial else None
    return {
        "task_id": task["id"],
        "domain": context.domain,  # the domain that ran it (a task may name its family)
        "strategy": values["strategy"],
        "max_trials": values["max_trials"],
        "memory_window": values["memory_window"],
        "retry_temperature": values.get("retry_temperature", 0.0),
        "domain_settings": dict(values.get("domain_settings", {})),
        "thread_id": thread_id,
        "outcome": values["outcome"],
        "trials": len(verdicts),
        "final_trial": chosen["trial"] if chosen else 0,
        "candidate": candidate,
        "verdicts": verdicts,
        "final": final,
        "passed": final_passed(final, values["outcome"] == "solved"),
        "passed_by_trial": [
            final_passed(score, answer_after(records, t + 1)["feedback"]["success"]) for t, score in enumerate(final_by_trial)
        ],
        "repeats": [r.get("repeats") for r in records],
        "reflections": list(values.get("reflections", [])),
        "usage": dict(values.get("usage", {})),
        "wall_s": round(time.monotonic() - started, 3),  # the final scoring included
        "resumed": resumed,
    }
