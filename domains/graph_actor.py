"""A domain whose actor is a LangGraph subgraph (ReAct: one graph step per model turn) has one driver,
that graph. The loop puts it in the actor's place (``build_graph(domain=...)``), where every step is
checkpointed and streamed; :func:`act_with_graph` runs the very same graph start to end as one plain
``act()`` call (a graph built without the domain, a script, a notebook).

The subgraph's nodes read their memory and model options through :func:`subgraph_memory` and
:func:`subgraph_llm`: from the loop's state keys when the loop runs them (the same rules as the
plain actor node), or from what ``act()`` was handed, which this module puts in the input.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from langgraph.config import get_config

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
    """One trial through ``graph``: the memory, the model and its options are ``act()``'s own, the
    calls are counted on ``step.llm``. Called from a node of a running graph (the plain actor node),
    LangGraph runs it as that node's subgraph, checkpointed with the parent's checkpointer and
    streamed as its updates; called outside one, each new trajectory step is announced through
    ``step.emit`` with ``progress``."""
    from reflexion.context import Context

    announce = not _inside_a_graph()  # inside one, the steps stream as the subgraph's updates

    model = step.llm.model
    context = Context.of(actor=model, evaluator=model, reflector=model, domain=domain)
    given: dict[str, Any] = {"task": step.task, "strategy": "none", "memory_window": 0,
             "given_memory": asdict(memory), "given_options": dict(step.llm.options)}  # fmt: skip
    trajectory: list[dict[str, Any]] = []
    final: dict[str, Any] = {}
    modes: list[StreamMode] = ["updates", "custom", "values"]
    # type: ignore: the overloads type `context` by the graph's context schema, which a bare
    # CompiledStateGraph (what actor_graph() returns) leaves at None
    for mode, chunk in graph.stream(given, context=context, stream_mode=modes):  # type: ignore[call-overload]
        if mode == "custom":
            step.emit(chunk)
        elif mode == "updates":
            for update in chunk.values():
                for taken in (update or {}).get("trajectory", []):
                    trajectory.append(taken)
                    if announce:
                        step.emit(progress(trajectory))
        else:
            final = chunk
    for usage in final.get("usage", {}).values():
        step.llm.add_usage(usage)
    return Attempt(candidate=final.get("candidate", ""), trajectory=final.get("trajectory", trajectory), domain_data=final.get("domain_data", {}))


def _inside_a_graph() -> bool:
    try:
        get_config()
    except RuntimeError:  # "called outside of a runnable context"
        return False
    return True


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
