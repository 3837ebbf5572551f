"""The ReAct actor as a LangGraph subgraph, the loop's ``actor`` node for ``hotpotqa-react``:

    START -> think -> act --done--> END
               ^       |
               +-------+

It reads the parent's state (task, settings, reflections, earlier trials) and hands back only
``candidate``, ``trajectory``, ``usage`` and ``domain_data``. Its input leaves out ``trajectory`` and
``usage``: the subgraph starts each trial with an empty trajectory and its own usage count, so what it
returns is added to the parent's reducers once, not twice. ``act`` appends one trajectory step per
ReAct iteration, so each step is checkpointed and streamed (``stream(..., subgraphs=True)``).
"""

from __future__ import annotations

import operator
from typing import Annotated, Any, Literal, NotRequired, Protocol, TypedDict

from langgraph.graph import START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.runtime import Runtime

from reflexion.context import Context
from reflexion.domains.graph_actor import subgraph_llm, subgraph_memory
from reflexion.domains.hotpotqa.environment import Cursor, new_cursor
from reflexion.domains.hotpotqa.react import reply_from_state, reply_to_state, take_action, think
from reflexion.errors import SettingsError
from reflexion.state import ReflexionState, Strategy, Task, TrialRecord, Usage, merge_dicts, merge_usage


class ReactInput(TypedDict):
    """What the subgraph reads from the parent's state."""

    task: Task
    strategy: Strategy
    memory_window: int
    reflections: NotRequired[Annotated[list[str], operator.add]]
    trials: NotRequired[Annotated[list[TrialRecord], operator.add]]
    domain_data: NotRequired[Annotated[dict[str, Any], merge_dicts]]
    domain_settings: NotRequired[dict[str, Any]]
    trial: NotRequired[int]
    retry_temperature: NotRequired[float]
    given_memory: NotRequired[dict[str, Any]]  # from act() (reflexion.domains.graph_actor)
    given_options: NotRequired[dict[str, Any]]


class ReactOutput(TypedDict):
    """What flows back into the parent's state when the trial's steps are done."""

    candidate: NotRequired[str]
    trajectory: NotRequired[Annotated[list[dict[str, Any]], operator.add]]
    usage: NotRequired[Annotated[dict[str, Usage], merge_usage]]
    domain_data: NotRequired[Annotated[dict[str, Any], merge_dicts]]


class ReactState(ReflexionState):
    """The parent's keys plus the subgraph's own, which never leave it."""

    given_memory: NotRequired[dict[str, Any]]
    given_options: NotRequired[dict[str, Any]]
    pending: NotRequired[dict[str, Any]]  # the parsed reply waiting between think and act
    cursor: NotRequired[Cursor]  # where lookup[...] is in the last paragraph found
    done: NotRequired[bool]  # decided by act, read by the router (routers stay pure)


class ReactSettings(Protocol):
    max_steps: int


def think_node(state: ReactState, runtime: Runtime[Context]) -> dict[str, Any]:
    llm = subgraph_llm(state, runtime)
    trajectory = state.get("trajectory", [])
    reply = think(llm, state["task"], subgraph_memory(state), trajectory, _settings(runtime, state).max_steps)
    return {"pending": reply_to_state(reply), "usage": llm.usage_update()}


def act_node(state: ReactState, runtime: Runtime[Context]) -> dict[str, Any]:
    step, answer, cursor = take_action(state["task"], reply_from_state(state["pending"]), state.get("cursor") or new_cursor())
    taken = len(state.get("trajectory", [])) + 1
    # No custom progress event here: the step streams as this node's update (``subgraphs=True``).
    return {
        "trajectory": [step],
        "cursor": cursor,
        "candidate": answer or "",
        "done": answer is not None or taken >= _settings(runtime, state).max_steps,
    }


def route_after_act(state: ReactState) -> Literal["think", "__end__"]:
    return "__end__" if state.get("done") else "think"


def build_react_graph() -> CompiledStateGraph[Any, Any, Any, Any]:
    builder = StateGraph(ReactState, context_schema=Context, input_schema=ReactInput, output_schema=ReactOutput)
    builder.add_node("think", think_node)
    builder.add_node("act", act_node)
    builder.add_edge(START, "think")
    builder.add_edge("think", "act")
    builder.add_conditional_edges("act", route_after_act)
    return builder.compile(name="react_actor")


def _settings(runtime: Runtime[Context], state: ReactState) -> ReactSettings:
    from reflexion.domains.hotpotqa.react import HotpotReActDomain  # it imports this module

    domain = runtime.context.resolved_domain(state.get("domain_settings"))
    if not isinstance(domain, HotpotReActDomain):
        raise SettingsError(f"the ReAct actor graph needs the hotpotqa-react domain in the run-time context, got {domain.name!r}")
    return domain
