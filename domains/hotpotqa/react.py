"""The ReAct actor: think, act on the paragraphs, observe, until ``finish[...]`` or the step cap.

One step is a model call (:func:`think`) and a tool call (:func:`take_action`); the trial's steps are
its trajectory (short-term memory). :class:`HotpotReActDomain` drives them with one LangGraph
subgraph, :meth:`~HotpotReActDomain.actor_graph`, whose every step is a checkpointed, streamed graph
step in the loop (``reflexion run`` uses it); :meth:`~HotpotReActDomain.act` runs that same graph as
one call (``reflexion.domains.graph_actor``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from reflexion.domains.base import ActorMemory, Attempt, Step
from reflexion.domains.graph_actor import act_with_graph
from reflexion.domains.hotpotqa.actions import USAGE, Action, ParsedReply, parse_reply
from reflexion.domains.hotpotqa.domain import HotpotQADomain
from reflexion.domains.hotpotqa.environment import Cursor, lookup, search
from reflexion.domains.hotpotqa.rendering import render_last_attempt, render_react_trial, render_reflections, render_scratchpad
from reflexion.domains.hotpotqa.settings import max_steps as max_steps_setting
from reflexion.domains.hotpotqa.tasks import paragraphs
from reflexion.llm import RoleModel
from reflexion.prompts import render_prompt
from reflexion.state import Task, TrialRecord

if TYPE_CHECKING:
    from langgraph.graph.state import CompiledStateGraph

PROMPTS = "hotpotqa"
ReactStep = dict[str, str]  # {"thought", "action", "observation"} (no observation after finish): one trajectory entry


def react_prompt(task: Task, memory: ActorMemory, trajectory: list[dict[str, Any]], max_steps: int) -> str:
    return render_prompt(
        "react_actor",
        PROMPTS,
        max_steps=max_steps,
        examples=render_prompt("react_examples", PROMPTS).strip(),
        reflections=render_reflections(memory.reflections),
        last_attempt=render_last_attempt(memory, render_react_trial),
        question=task["prompt"],
        scratchpad=render_scratchpad(trajectory),
        step=len(trajectory) + 1,
    )


def think(llm: RoleModel, task: Task, memory: ActorMemory, trajectory: list[dict[str, Any]], max_steps: int) -> ParsedReply:
    """Ask the actor for its next thought and action."""
    return parse_reply(llm.ask(react_prompt(task, memory, trajectory, max_steps)))


def take_action(task: Task, reply: ParsedReply, cursor: Cursor) -> tuple[ReactStep, str | None, Cursor]:
    """Run the reply's action: the trajectory step, the answer (``finish`` only) and the new cursor.
    An unusable action costs a step and is explained in the observation; it never raises."""
    action = reply.action
    if action is None:
        written = reply.written or "(none)"
        return (
            {"thought": reply.thought, "action": written, "observation": f"Invalid action: {reply.error}. {USAGE}"},
            None,
            cursor,
        )
    if action.tool == "finish":
        return {"thought": reply.thought, "action": str(action)}, action.argument, cursor  # nothing to observe
    tool = search if action.tool == "search" else lookup
    observation, cursor = tool(paragraphs(task), action.argument, cursor)
    return {"thought": reply.thought, "action": str(action), "observation": observation}, None, cursor


def step_event(number: int, step: ReactStep) -> dict[str, Any]:
    """A progress event for one step of the plain loop (``stream_mode="custom"``)."""
    seen = step["observation"].splitlines()[0][:80] if step.get("observation") else "(answer given)"
    return {"event": "react_step", "step": number, "message": f"step {number}: {step['action']} -> {seen}", **step}


def reply_to_state(reply: ParsedReply) -> dict[str, Any]:
    """A parsed reply as plain data, to wait in graph state between the think and act nodes."""
    action = {"tool": reply.action.tool, "argument": reply.action.argument} if reply.action else None
    return {"thought": reply.thought, "action": action, "written": reply.written, "error": reply.error}


def reply_from_state(data: dict[str, Any]) -> ParsedReply:
    action = Action(data["action"]["tool"], data["action"]["argument"]) if data.get("action") else None
    return ParsedReply(thought=data.get("thought", ""), action=action, written=data.get("written", ""), error=data.get("error"))


class HotpotReActDomain(HotpotQADomain):
    """ReAct over the question's ten paragraphs with search / lookup / finish."""

    name: ClassVar[str] = "hotpotqa-react"

    def __init__(self, *, evaluator: str | None = None, max_steps: int | None = None) -> None:
        super().__init__(evaluator=evaluator)
        self.max_steps = max_steps_setting(max_steps)
        self._graph: CompiledStateGraph | None = None  # made on the first act()

    def act(self, step: Step, memory: ActorMemory) -> Attempt:
        """The trial through :meth:`actor_graph`, as one call (the one driver)."""
        if self._graph is None:
            self._graph = self.actor_graph()
        return act_with_graph(self, self._graph, step, memory, progress=lambda steps: step_event(len(steps), steps[-1]))

    def settings(self) -> dict[str, Any]:
        return {**super().settings(), "max_steps": self.max_steps}

    def actor_graph(self) -> CompiledStateGraph:
        """The actor as a subgraph for ``build_graph(actor_node=...)``: one graph step per ReAct step."""
        from reflexion.domains.hotpotqa.react_graph import build_react_graph

        return build_react_graph()

    def render_trial(self, record: TrialRecord) -> str:
        return render_react_trial(record)

    def reasoning(self, attempt: Attempt) -> str:
        return render_scratchpad(attempt.trajectory)

    def no_answer_feedback(self, attempt: Attempt) -> str:
        return f"No answer: the {len(attempt.trajectory)} steps ran out before a finish[answer] action."
