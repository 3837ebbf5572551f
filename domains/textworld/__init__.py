"""Decision-making in text games (the paper's ALFWorld setting, on TextWorld): a ReAct actor plays a
generated game; the game's won/lost signal and the paper's heuristics (a repeated action, the step
cap) end the episode; the reflection reads the episode and why it ended.

Tasks are game recipes (challenge, seed, settings); games are generated on demand and cached (see
``games.py``). The actor is one subgraph with one checkpointed step per model turn
(:meth:`TextWorldDomain.actor_graph`, the loop's actor node); :meth:`TextWorldDomain.act` runs the
same graph as one call. Needs the ``textworld`` extra: ``pip install -e '.[textworld]'``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from reflexion.domains.base import ActorMemory, Attempt, Domain, Evaluation, Step
from reflexion.domains.graph_actor import act_with_graph
from reflexion.domains.textworld import trajectory as tr
from reflexion.domains.textworld.games import game_file
from reflexion.domains.textworld.heuristics import EpisodeEnd, episode_end
from reflexion.domains.textworld.judge import judge_feedback
from reflexion.domains.textworld.pool import SessionPool
from reflexion.domains.textworld.react import progress_event
from reflexion.domains.textworld.rendering import render_trial
from reflexion.domains.textworld.session import GameSession
from reflexion.domains.textworld.settings import resolve, settings_from_env
from reflexion.domains.textworld.tasks import builtin_suite, load_textworld, play_settings, recipe_of
from reflexion.state import Feedback, Task, TrialRecord

if TYPE_CHECKING:
    from langgraph.graph.state import CompiledStateGraph


class TextWorldDomain(Domain):
    name: ClassVar[str] = "textworld"

    def __init__(self, **settings: Any) -> None:
        """``settings`` (``max_steps``, ``repeat_limit``, ``evaluator``, ``show_commands``) override the
        environment for tasks that do not set their own."""
        self._defaults: Mapping[str, Any] = {**settings_from_env(), **{k: v for k, v in settings.items() if v is not None}}
        resolve(self._defaults)  # a bad setting fails now, not at the first task
        self._pool = SessionPool()
        self._graph: CompiledStateGraph | None = None  # made on the first act()

    def settings(self) -> dict[str, Any]:
        return resolve(self._defaults).as_data()

    def load_tasks(self, source: str | None = None) -> list[Task]:
        return load_textworld(source or builtin_suite(), self.name, defaults=self._defaults)

    def act(self, step: Step, memory: ActorMemory) -> Attempt:
        """One episode through :meth:`actor_graph`, start to end, as one call (the one driver)."""
        if self._graph is None:
            self._graph = self.actor_graph()
        return act_with_graph(self, self._graph, step, memory, progress=progress_event)

    def actor_graph(self) -> CompiledStateGraph:
        """The actor as a subgraph for ``build_graph(actor_node=...)``: one graph step per model turn."""
        from reflexion.domains.textworld.graph import build_actor_graph

        return build_actor_graph(self._pool)

    def evaluate(self, step: Step, attempt: Attempt) -> Evaluation:
        settings = play_settings(step.task)
        end = episode_end(attempt.trajectory, settings) or EpisodeEnd("unfinished", "ended before the game was won")
        if settings.evaluator == "llm":
            return Evaluation(judge_feedback(step.llm, attempt.trajectory, end))
        return Evaluation(game_feedback(attempt.trajectory, end))

    def render_trial(self, record: TrialRecord) -> str:
        return render_trial(record)

    def score(self, task: Task, candidate: str) -> dict[str, Any] | None:
        """The game's own verdict on the final episode, by replaying its actions in a fresh game."""
        commands = [line.strip() for line in candidate.splitlines() if line.strip()]
        with GameSession(game_file(recipe_of(task))) as session:
            opening = session.reset()
            for command in commands:
                if session.status != "playing":
                    break
                session.step(command)
            return {
                "won": session.status == "won",
                "lost": session.status == "lost",
                "score": session.score,
                "max_score": opening.max_score,
                "actions": len(session.commands),
            }


def game_feedback(trajectory: list[tr.TrajectoryStep], end: EpisodeEnd) -> Feedback:
    """The heuristic evaluator's verdict: only a win succeeds; the score is the share of points earned."""
    points, most = tr.score(trajectory), tr.max_score(trajectory)
    if end.won:
        return {"score": 1.0, "success": True, "text": f"You {end.text} (score {points}/{most})."}
    share = points / most if most else 0.0  # progress, for reports; a failure never scores 1
    steps = tr.model_turns(trajectory)
    return {"score": min(share, 0.99), "success": False, "text": f"Failure: {end.text} (score {points}/{most} after {steps} steps)."}


__all__ = ["TextWorldDomain", "game_feedback"]
