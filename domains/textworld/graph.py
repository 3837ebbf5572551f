"""The actor as a LangGraph subgraph: one checkpointed, streamed graph step per model turn.

    start -> turn --(episode over)--> finish
              ^  \\_____(go on)_____/|
              +---------------------+

Its state shares ``task``, the memory keys and ``trajectory``/``candidate``/``usage`` with
``ReflexionState``. The input schema leaves out ``trajectory`` and ``usage``, so the episode starts
empty and only the turns' own usage flows back into the loop's reducers. Whether the episode is over
is decided inside ``turn`` and kept in state; the router only reads it. Each turn streams as the
subgraph's own ``updates`` (no ``custom`` event, which would say the same thing twice); only a replay
that restores the game is announced as a ``custom`` event.
"""

from __future__ import annotations

import operator
from collections.abc import Hashable
from typing import Annotated, Any, Literal, NotRequired, TypedDict

from langgraph.config import get_config
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.runtime import Runtime

from reflexion.context import Context
from reflexion.domains.graph_actor import subgraph_llm, subgraph_memory
from reflexion.domains.textworld import trajectory as tr
from reflexion.domains.textworld.games import game_file
from reflexion.domains.textworld.heuristics import episode_end
from reflexion.domains.textworld.pool import SessionPool, restore
from reflexion.domains.textworld.react import take_turn
from reflexion.domains.textworld.tasks import play_settings, recipe_of
from reflexion.state import Strategy, Task, TrialRecord, Usage, merge_usage


class EpisodeInput(TypedDict):
    task: Task
    strategy: Strategy
    memory_window: int
    trial: NotRequired[int]
    reflections: NotRequired[list[str]]
    trials: NotRequired[list[TrialRecord]]
    retry_temperature: NotRequired[float]
    given_memory: NotRequired[dict[str, Any]]  # from act() (reflexion.domains.graph_actor)
    given_options: NotRequired[dict[str, Any]]


class EpisodeOutput(TypedDict):
    trajectory: NotRequired[Annotated[list[dict[str, Any]], operator.add]]
    candidate: NotRequired[str]
    usage: NotRequired[Annotated[dict[str, Usage], merge_usage]]


class EpisodeState(EpisodeInput, EpisodeOutput):
    episode_over: NotRequired[bool]


def build_actor_graph(pool: SessionPool) -> CompiledStateGraph[Any, Any, Any, Any]:
    """The subgraph for ``build_graph(actor_node=...)``; live games are kept in ``pool`` between steps."""

    def start(state: EpisodeState) -> dict[str, Any]:
        key = episode_key(state)
        session = pool.check_out(key, game_file(recipe_of(state["task"])))
        try:
            trajectory = [tr.start_step(session.reset())]
        finally:
            pool.check_in(key, session)
        return {"trajectory": trajectory, "episode_over": False}

    def turn(state: EpisodeState, runtime: Runtime[Context]) -> dict[str, Any]:
        settings = play_settings(state["task"])
        trajectory = state.get("trajectory", [])
        key = episode_key(state)
        llm = subgraph_llm(state, runtime)
        session = pool.check_out(key, game_file(recipe_of(state["task"])))
        try:
            if replayed := restore(session, trajectory):
                runtime.stream_writer({"event": "textworld_replay", "message": f"replayed {replayed} commands to restore the game"})
            step = take_turn(llm, subgraph_memory(state), trajectory, session, settings)
        finally:
            pool.check_in(key, session)
        over = episode_end([*trajectory, step], settings) is not None
        return {"trajectory": [step], "episode_over": over, "usage": llm.usage_update()}

    def finish(state: EpisodeState) -> dict[str, Any]:
        pool.discard(episode_key(state))
        return {"candidate": "\n".join(tr.actions(state.get("trajectory", [])))}

    builder = StateGraph(EpisodeState, context_schema=Context, input_schema=EpisodeInput, output_schema=EpisodeOutput)
    builder.add_node("start", start)
    builder.add_node("turn", turn)
    builder.add_node("finish", finish)
    builder.add_edge(START, "start")
    builder.add_edge("start", "turn")
    builder.add_conditional_edges("turn", route_after_turn)
    builder.add_edge("finish", END)
    return builder.compile(name="textworld_actor")


def route_after_turn(state: EpisodeState) -> Literal["turn", "finish"]:
    return "finish" if state.get("episode_over") else "turn"


def episode_key(state: EpisodeState) -> Hashable:
    """Names one episode: the thread, the subgraph's own checkpoint namespace (one per actor run,
    the same when that run resumes), the task and the trial."""
    configurable = get_config().get("configurable", {})
    namespace = str(configurable.get("checkpoint_ns", "")).rpartition("|")[0]
    return (configurable.get("thread_id"), namespace, state["task"]["id"], state.get("trial", 1))
