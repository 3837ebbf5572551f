"""Start, resume, continue and fork runs of the compiled loop, streaming progress as they go."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command

from reflexion.context import Context
from reflexion.domains.base import Domain
from reflexion.errors import SettingsError, TaskError

OnEvent = Callable[[str, tuple[str, ...], Any], None]
"""Called with (stream mode, subgraph namespace, payload) for every streamed item."""
Input = dict[str, Any] | Command | None
"""What a run is given: a fresh run's input, a ``Command(resume=...)``, or ``None`` to resume."""

# For a pending node, the node to pretend has just written a settings change (see ``update_settings``).
_WRITER_BEFORE = {"evaluator": "actor", "decide": "evaluator", "reflect": "decide"}


def thread_config(thread_id: str, checkpoint_id: str | None = None) -> RunnableConfig:
    configurable = {"thread_id": thread_id}
    if checkpoint_id:
        configurable["checkpoint_id"] = checkpoint_id
    return {"configurable": configurable}


def new_thread_id(task_id: str, strategy: str) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return f"{task_id}-{strategy}-{stamp}"


@contextmanager
def open_graph(domain: Domain, db: str | None = None) -> Iterator[CompiledStateGraph]:
    """The loop for ``domain``, compiled with the SQLite checkpointer at ``db``."""
    from reflexion.checkpoint import open_checkpointer
    from reflexion.graphs import build_graph

    with open_checkpointer(db) as saver:
        yield build_graph(saver, domain=domain)


def stream(graph: CompiledStateGraph, input: Input, config: RunnableConfig, context: Context, on_event: OnEvent | None = None) -> dict[str, Any]:
    """Run (``input``) or resume (``None``) a thread to its end; returns the final state values.

    ``durability="sync"`` writes every step before the next one starts, so a killed process
    loses at most the step that was in flight, never a reflection already written.
    """
    for namespace, mode, payload in graph.stream(input, config, **_streaming(graph, context)):
        if on_event is not None:
            on_event(mode, namespace, payload)
    # The thread's newest state: after a replay from an old checkpoint that is the new branch's head.
    return graph.get_state(thread_config(config["configurable"]["thread_id"])).values


async def astream(graph: CompiledStateGraph, input: Input, config: RunnableConfig, context: Context, on_event: OnEvent | None = None) -> dict[str, Any]:
    """:func:`stream` on the event loop (the nodes' async bodies; the graph needs a checkpointer
    with async methods: ``open_async_checkpointer``, or ``InMemorySaver``). Durability is the same."""
    async for namespace, mode, payload in graph.astream(input, config, **_streaming(graph, context)):
        if on_event is not None:
            on_event(mode, namespace, payload)
    return (await graph.aget_state(thread_config(config["configurable"]["thread_id"]))).values


def _streaming(graph: CompiledStateGraph, context: Context) -> dict[str, Any]:
    return {
        "context": context,
        "stream_mode": ["tasks", "updates", "custom"],
        "durability": "sync" if graph.checkpointer else None,
        "subgraphs": True,
    }


def load_thread(graph: CompiledStateGraph, thread_id: str, checkpoint_id: str | None = None):
    """The snapshot of a thread (or of one of its checkpoints); a clear error when there is none.

    A run killed between its first two commits has saved its input but not applied it (``next`` is
    ``__start__``); its values are then read from that pending input, and resuming it starts the run.
    """
    snapshot = graph.get_state(thread_config(thread_id, checkpoint_id))
    if not snapshot.values:
        what = f"checkpoint {checkpoint_id!r} of thread {thread_id!r}" if checkpoint_id else f"thread {thread_id!r}"
        raise TaskError(f"no {what} in this checkpoint file; `reflexion history --list` shows the threads")
    if "task" not in snapshot.values:
        pending = _pending_input(graph, snapshot)
        if pending is None:
            raise TaskError(f"thread {thread_id!r} holds no run; start it again with `reflexion run --thread {thread_id}`")
        snapshot = snapshot._replace(values={**snapshot.values, **pending})
    return snapshot


def _pending_input(graph: CompiledStateGraph, snapshot) -> dict[str, Any] | None:
    if snapshot.next != ("__start__",) or not isinstance(graph.checkpointer, BaseCheckpointSaver):
        return None
    saved = graph.checkpointer.get_tuple(snapshot.config)
    pending = saved.checkpoint["channel_values"].get("__start__") if saved else None
    return pending if isinstance(pending, dict) and "task" in pending else None


def update_settings(graph: CompiledStateGraph, snapshot, **values: Any) -> RunnableConfig:
    """Change run settings (e.g. ``max_trials``) at ``snapshot``; returns the config to resume from.

    On a finished run the change is written as if by the evaluator, so ``decide`` runs again with the
    new budget: that is how a finished run gets more trials.
    """
    if snapshot.next:
        as_node = _WRITER_BEFORE.get(snapshot.next[0])
        if as_node is None:  # next is the actor: the first trial, or after reflect or a plain retry
            decision = snapshot.values.get("decision")
            as_node = {"reflect": "reflect", "retry": "decide"}.get(decision or "", "__start__")
    else:
        as_node = "evaluator"
    return graph.update_state(snapshot.config, values, as_node=as_node)


@dataclass
class Resumption:
    config: RunnableConfig
    note: str  # what resuming will do, for the user


def plan_resume(
    graph: CompiledStateGraph,
    thread_id: str,
    *,
    checkpoint_id: str | None = None,
    max_trials: int | None = None,
    more_trials: int | None = None,
) -> Resumption | None:
    """Work out how to resume a thread; ``None`` when there is nothing left to do."""
    snapshot = load_thread(graph, thread_id, checkpoint_id)
    values = snapshot.values
    budget = values["max_trials"]
    if more_trials is not None:
        max_trials = budget + more_trials
    if max_trials is not None:
        if max_trials < 1:
            raise SettingsError(f"max trials must be positive, got {max_trials}")
        if values["strategy"] == "none" and max_trials > 1:
            raise SettingsError("this run uses strategy 'none' (a single attempt); it cannot take more trials")
    if snapshot.next == ("__start__",):  # stopped before its first step: running it is all there is to do
        if max_trials is not None and max_trials != budget:
            raise SettingsError("this run was stopped before its first step; resume it first, then change its budget")
        return Resumption(thread_config(thread_id), "starting the run (it was stopped before its first step)")
    finished = not snapshot.next
    if finished and values.get("outcome") == "solved":
        return None
    if finished and (max_trials is None or max_trials <= values.get("trial", 0)):
        return None
    # Resuming the head goes through the thread alone: a config naming a checkpoint is a *replay*,
    # which would restart a pending subgraph (a ReAct episode) instead of continuing it.
    config = snapshot.config if checkpoint_id else thread_config(thread_id)
    if max_trials is not None and max_trials != budget:
        updated = update_settings(graph, snapshot, max_trials=max_trials)
        config = updated if checkpoint_id else thread_config(thread_id)
    origin = f"checkpoint {checkpoint_id}" if checkpoint_id else f"trial {values.get('trial')}"
    action = f"continuing at {snapshot.next[0]}" if snapshot.next else "starting the next trial"
    return Resumption(config, f"{action} from {origin} (budget {max_trials or budget} trials)")
