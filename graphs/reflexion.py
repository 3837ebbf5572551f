"""The Reflexion trial loop.

    START -> actor -> evaluator -> decide -> END           success, or the trial budget is spent
               ^                     |
               |                     +----> reflect ---+   retry with a lesson (the reflexion strategies)
               |                     |                 |
               +---------------------+-----------------+   retry seeing the last attempt (last_attempt)

``decide`` stores its decision in state; ``route_after_decide`` only reads it (langgraph issue 8834).
A run started with ``review_reflections`` passes each reflection through ``review`` (a person accepts,
edits or replaces it; ``interrupt()``) on its way to the actor.
"""

from __future__ import annotations

from typing import Any, Literal

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.store.base import BaseStore

from reflexion.context import Context
from reflexion.domains.base import Domain
from reflexion.nodes.actor import aactor, actor
from reflexion.nodes.decide import decide
from reflexion.nodes.dual import dual
from reflexion.nodes.evaluator import aevaluator, evaluator
from reflexion.nodes.reflect import areflect, reflect
from reflexion.nodes.review import review
from reflexion.state import ReflexionState


def route_after_decide(state: ReflexionState) -> Literal["reflect", "actor", "__end__"]:
    if state["decision"] == "reflect":
        return "reflect"
    return "actor" if state["decision"] == "retry" else "__end__"


def route_after_reflect(state: ReflexionState) -> Literal["review", "actor"]:
    return "review" if state.get("draft_reflection") else "actor"


def build_graph(
    checkpointer: BaseCheckpointSaver | None = None,
    store: BaseStore | None = None,
    *,
    domain: Domain | None = None,
    actor_node: CompiledStateGraph | None = None,
) -> CompiledStateGraph[Any, Any, Any, Any]:
    """The compiled loop. With ``domain``, its own actor subgraph (``actor_graph()``, e.g. ReAct)
    takes the actor's place when it has one; ``actor_node`` sets one explicitly. Every node has a
    synchronous and an asynchronous body (``nodes/dual.py``): ``invoke`` runs the first, ``ainvoke``
    and ``astream`` the second (model calls with ``ainvoke``, blocking domain work in worker threads)."""
    if actor_node is None and domain is not None:
        actor_node = domain.actor_graph()
    builder = StateGraph(ReflexionState, context_schema=Context)
    builder.add_node("actor", actor_node if actor_node is not None else dual(actor, aactor))
    builder.add_node("evaluator", dual(evaluator, aevaluator))
    builder.add_node("decide", dual(decide))
    builder.add_node("reflect", dual(reflect, areflect))
    builder.add_node("review", dual(review))

    builder.add_edge(START, "actor")
    builder.add_edge("actor", "evaluator")
    builder.add_edge("evaluator", "decide")
    builder.add_conditional_edges("decide", dual(route_after_decide))
    builder.add_conditional_edges("reflect", dual(route_after_reflect))
    builder.add_edge("review", "actor")
    return builder.compile(checkpointer=checkpointer, store=store, name="reflexion")
