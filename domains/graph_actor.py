"""A domain whose actor is a LangGraph subgraph (ReAct: one graph step per model turn) has one driver,
that graph. The loop puts it in the actor's place (``build_graph(domain=...)``), where every step is
checkpointed and streamed; :func:`act_with_graph` runs the very same graph start to end as one plain
``act()`` call (a graph built without the domain, a script, a notebook), without checkpoints.

The subgraph's nodes read their memory and model options through :func:`subgraph_memory` and
:func:`subgraph_llm`: from the loop's state keys when the loop runs them (the same rules as the
plain actor node), or from what ``act()`` was handed, which this module puts in the input.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextvars import copy_context
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from langchain_core.runnables.config import var_child_runnable_config

from reflexion.domains.base import ActorMemory, Attempt, Step
from reflexion.llm import RoleModel

if TYPE_CHECKING:
    from langgraph.graph.state import CompiledStateGraph
    from langgraph.runtime import Runtime
    from langgraph.types import StreamMode

    from reflexion.context import Context
    from reflexion.domains.base import Domain

Progress = Callable[[list[dict[str, Any]]], dict[str, Any]]
"""The progress event for the step just taken, from the trajectory so far."""


def act_with_graph(domain: Domain, graph: CompiledStateGraph, step: Step, memory: ActorMemory, progress: Progress) -> Attempt:
    """One trial through ``graph``, as one plain call: the memory, the model and its options are
    ``act()``'s own, each new trajectory step is announced through ``step.emit`` with ``progress``,
    the calls are counted on ``step.llm``.

    It runs apart from any graph run that called it (the plain actor node): not as that node's
    subgraph, so with no checkpoints of its own. A node that calls ``act()`` twice (the actor node's
    redraw) and is resumed after a crash must not find the second call's steps under the first's
    name; an interrupted ``act()`` plays its trial again, like any node. For a checkpoint per step,
    ``build_graph(domain=...)`` puts the graph itself in the actor's place."""
    from reflexion.context import Context

    model = step.llm.model
    context = Context.of(actor=model, evaluator=model, reflector=model, domain=domain)
    given: dict[str, Any] = {"task": step.task, "strategy": "none", "memory_window": 0,
                             "given_memory": asdict(memory), "given_options": dict(step.llm.options)}  # fmt: skip
    # The graph runs in a copy of this context where no run is current; the events go out from here,
    # where step.emit (the calling node's stream writer) belongs.
    alone = copy_context()
    alone.run(var_child_runnable_config.set, None)
    modes: list[StreamMode] = ["updates", "custom", "values"]
    # type: ignore: the overloads type `context` by the graph's context schema, which a bare
    # CompiledStateGraph (what actor_graph() returns) leaves at None
    chunks: Iterator[tuple[str, Any]] = alone.run(graph.stream, given, context=context, stream_mode=modes)  # type: ignore[arg-type]
    trajectory: list[dict[str, Any]] = []
    final: dict[str, Any] = {}
    while (item := alone.run(next, chunks, None)) is not None:
        mode, chunk = item
        if mode == "custom":
            step.emit(chunk)
        elif mode == "updates":
            for update in chunk.values():
                for taken in (update or {}).get("trajectory", []):
                    trajectory.append(taken)
                    step.emit(progress(trajectory))
        else:
            final = chunk
    if usage := final.get("usage", {}).get("actor"):  # the subgraph's nodes play the actor
        step.llm.add_usage(usage)
    return Attempt(candidate=final.get("candidate", ""), trajectory=final.get("trajectory", trajectory), domain_data=final.get("domain_data", {}))


def subgraph_memory(state: Mapping[str, Any]) -> ActorMemory:
    """What the actor may read: what ``act()`` was given, else what the strategy allows (the actor node's rule)."""
    from reflexion.nodes.actor import actor_memory

    given = state.get("given_memory")
    return ActorMemory(**given) if given is not None else actor_memory(state)


def subgraph_llm(state: Mapping[str, Any], runtime: Runtime[Context]) -> RoleModel:
    """The actor's model with its per-call options: ``act()``'s, else the actor node's sampling rule."""
    from reflexion.nodes.actor import sampling

    given = state.get("given_options")
    return RoleModel("actor", runtime.context.model("actor"), options=dict(given) if given is not None else sampling(state))
