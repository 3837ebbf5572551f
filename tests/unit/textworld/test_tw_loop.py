"""The TextWorld domain inside the Reflexion loop, on a real generated game, with scripted models.

Every loop test runs with both actors (the plain ``act`` loop and the ``actor_graph`` subgraph) and
both checkpointers (memory and SQLite).
"""

from __future__ import annotations

from typing import Any

import pytest

from reflexion.context import Context
from reflexion.domains.base import ActorMemory, Step
from reflexion.domains.textworld import TextWorldDomain
from reflexion.errors import ModelError
from reflexion.graphs import build_graph
from reflexion.llm import RoleModel
from reflexion.runner import stream, thread_config
from reflexion.state import Task, new_run
from reflexion.testing.fakes import ScriptedChatModel

LESSON = "I only looked around and never moved. Next time: go east, go south, then take the latchkey."


def context(domain: TextWorldDomain, actor: list[Any], reflections: list[str] = (), judge: list[str] = ()) -> Context:
    return Context.of(
        actor=ScriptedChatModel(replies=list(actor)),
        evaluator=ScriptedChatModel(replies=list(judge)),
        reflector=ScriptedChatModel(replies=list(reflections)),
        domain=domain,
    )


def load(small_game, **settings: Any) -> tuple[TextWorldDomain, Task]:
    domain = TextWorldDomain(**settings)
    (task,) = domain.load_tasks(str(small_game.task_file))
    return domain, task


def graph_for(domain: TextWorldDomain, checkpointer, actor: str):
    return build_graph(checkpointer, actor_node=domain.actor_graph() if actor == "subgraph" else None)


def run(graph, task: Task, ctx: Context, thread: str = "tw", **settings: Any) -> tuple[dict[str, Any], list[tuple]]:
    events: list[tuple] = []
    values = stream(graph, new_run(task, **settings), thread_config(thread), ctx, on_event=lambda *event: events.append(event))
    return values, events


def custom(events: list[tuple], name: str) -> list[dict[str, Any]]:
    return [payload for mode, _, payload in events if mode == "custom" and payload.get("event") == name]


def kinds(trajectory: list[dict[str, Any]]) -> list[str]:
    return [step["kind"] for step in trajectory]


@pytest.fixture(params=["act", "subgraph"])
def actor(request: pytest.FixtureRequest) -> str:
    return request.param


def test_a_real_game_is_won_on_trial_2_after_a_reflection(small_game, checkpointer, actor) -> None:
    domain, task = load(small_game)
    walkthrough = small_game.walkthrough
    bad_play = ["think: let me look around first\n> look", "> look", "> look"]
    good_play = [f"think: following my plan\n> {command}" for command in walkthrough]
    ctx = context(domain, bad_play + good_play, [LESSON])

    values, events = run(graph_for(domain, checkpointer, actor), task, ctx, max_trials=3)

    assert values["outcome"] == "solved" and values["trial"] == 2
    assert values["reflections"] == [LESSON]
    first, second = values["trials"]
    assert first["feedback"]["success"] is False
    assert first["feedback"]["text"] == "Failure: repeated action 'look' 3 times with the same result (score 0/1 after 3 steps)."
    assert kinds(first["trajectory"]) == ["start", "act", "act", "act"]
    assert second["feedback"] == {"score": 1.0, "success": True, "text": "You won the game in 3 steps (score 1/1)."}
    assert second["trajectory"][-1]["status"] == "won" and second["candidate"] == "\n".join(walkthrough)
    assert values["trajectory"] == second["trajectory"]  # short-term memory holds the last trial only

    reflect_prompt = ctx.model("reflector").prompts[0]
    assert "repeated action 'look' 3 times" in reflect_prompt  # why the episode ended
    assert "> look" in reflect_prompt and "-= Kitchen =-" in reflect_prompt  # the episode itself
    assert all(LESSON not in prompt for prompt in ctx.model("actor").prompts[:3])
    assert all(LESSON in prompt for prompt in ctx.model("actor").prompts[3:])

    assert values["usage"]["actor"]["calls"] == 6 and values["usage"]["reflector"]["calls"] == 1
    assert "evaluator" not in values["usage"]  # the heuristic evaluator asks no model
    # progress: act() (the same subgraph, run as one call) reports each game start and turn as a
    # custom event; the subgraph in the actor's place streams each turn as one of its graph steps
    turns_as_graph_steps = [ns for mode, ns, update in events if mode == "updates" and ns and "turn" in update]
    assert len(custom(events, "textworld_step")) == (2 + 6 if actor == "act" else 0)
    assert len(turns_as_graph_steps) == (6 if actor == "subgraph" else 0)
    assert domain.score(task, values["candidate"])["won"] is True


def test_malformed_replies_cost_a_turn_and_say_what_went_wrong(small_game, checkpointer, actor) -> None:
    domain, task = load(small_game)
    replies = ["", "I am lost.\nWhat now?", "think: the objective says east first"] + [f"> {c}" for c in small_game.walkthrough]
    ctx = context(domain, replies)

    values, _ = run(graph_for(domain, checkpointer, actor), task, ctx, max_trials=1)

    trajectory = values["trajectory"]
    assert kinds(trajectory) == ["start", "invalid", "invalid", "think", "act", "act", "act"]
    assert trajectory[1]["observation"].startswith("The reply was empty.")
    assert trajectory[2]["reply"] == "I am lost. What now?" and "No command found" in trajectory[2]["observation"]
    assert trajectory[3]["observation"] == "OK."
    assert "No command found in the reply." in ctx.model("actor").prompts[3]  # the actor read what went wrong
    assert values["outcome"] == "solved" and values["feedback"]["text"] == "You won the game in 6 steps (score 1/1)."


def test_the_last_attempt_strategy_shows_the_previous_episode_and_its_feedback(small_game, checkpointer, actor) -> None:
    domain, task = load(small_game)
    ctx = context(domain, ["> look"] * 3 + [f"> {c}" for c in small_game.walkthrough])

    values, _ = run(graph_for(domain, checkpointer, actor), task, ctx, strategy="last_attempt")

    assert values["outcome"] == "solved" and values.get("reflections", []) == []
    second_trial_prompt = ctx.model("actor").prompts[3]
    assert "Trial 1: 3 steps, score 0/1." in second_trial_prompt
    assert "Feedback: Failure: repeated action 'look' 3 times" in second_trial_prompt


def play(domain: TextWorldDomain, task: Task, replies: list[str]):
    step = Step(task=task, llm=RoleModel("actor", ScriptedChatModel(replies=replies)), domain_data={})
    attempt = domain.act(step, ActorMemory())
    return attempt, domain.evaluate(step, attempt).feedback


def test_the_step_cap_ends_the_episode_as_a_failure(small_game) -> None:
    domain, task = load(small_game, max_steps=4)
    attempt, feedback = play(domain, task, ["> go east", "> go west", "> go east", "> go west", "> never asked"])
    assert len(attempt.trajectory) == 1 + 4
    assert feedback["success"] is False
    assert feedback["text"] == "Failure: step cap 4 reached without winning (score 0/1 after 4 steps)."


def test_a_win_on_the_last_allowed_step_is_a_win(small_game) -> None:
    domain, task = load(small_game, max_steps=len(small_game.walkthrough))
    _, feedback = play(domain, task, [f"> {c}" for c in small_game.walkthrough])
    assert feedback["success"] is True and feedback["score"] == 1.0


def test_a_lost_game_ends_the_episode_at_once(small_game) -> None:
    domain, task = load(small_game)
    attempt, feedback = play(domain, task, ["> go east", "> go south", "> take gummy bear", "> never asked"])
    assert attempt.trajectory[-1]["status"] == "lost" and len(attempt.trajectory) == 4
    assert feedback["text"].startswith("Failure: lost the game after 3 steps: You pick up the gummy bear")


def test_the_actor_is_shown_the_valid_commands_unless_told_not_to(small_game) -> None:
    for show, expected in ((True, True), (False, False)):
        domain, task = load(small_game, show_commands=show, max_steps=1)
        model = ScriptedChatModel(replies=["> look"])
        domain.act(Step(task=task, llm=RoleModel("actor", model), domain_data={}), ActorMemory())
        assert ("Valid commands now: " in model.prompts[0] and "go east" in model.prompts[0]) is expected


def test_a_crash_mid_episode_resumes_by_replaying_the_recorded_actions(small_game, checkpointer) -> None:
    walkthrough = small_game.walkthrough
    domain, task = load(small_game)
    graph = graph_for(domain, checkpointer, "subgraph")
    config = thread_config("crash")
    crashing = context(domain, [f"> {walkthrough[0]}", f"> {walkthrough[1]}", RuntimeError("endpoint went away")])
    with pytest.raises(ModelError, match="endpoint went away"):
        run(graph, task, crashing, thread="crash")
    pending = graph.get_state(config, subgraphs=True)
    assert pending.next == ("actor",)
    assert kinds(pending.tasks[0].state.values["trajectory"]) == ["start", "act", "act"]  # each turn was checkpointed

    # As in a new process: a new domain (no live games) and a new graph on the same checkpoints.
    fresh = TextWorldDomain()
    resumed = context(fresh, [f"> {walkthrough[2]}"])
    events: list[tuple] = []
    values = stream(graph_for(fresh, checkpointer, "subgraph"), None, config, resumed, on_event=lambda *e: events.append(e))

    assert [p["message"] for p in custom(events, "textworld_replay")] == ["replayed 2 commands to restore the game"]
    assert values["outcome"] == "solved" and values["trial"] == 1
    assert kinds(values["trajectory"]) == ["start", "act", "act", "act"]  # no step lost or doubled
    assert values["candidate"] == "\n".join(walkthrough)
    assert f"> {walkthrough[1]}" in resumed.model("actor").prompts[0]  # the actor continues the same transcript
    assert values["usage"]["actor"]["calls"] == 3


def test_resuming_in_the_same_process_reuses_the_live_game(small_game, checkpointer) -> None:
    walkthrough = small_game.walkthrough
    domain, task = load(small_game)
    graph = graph_for(domain, checkpointer, "subgraph")
    with pytest.raises(ModelError):
        run(graph, task, context(domain, [f"> {walkthrough[0]}", RuntimeError("blip")]), thread="blip")
    events: list[tuple] = []
    values = stream(graph, None, thread_config("blip"), context(domain, [f"> {c}" for c in walkthrough[1:]]), on_event=lambda *e: events.append(e))
    assert custom(events, "textworld_replay") == []
    assert values["outcome"] == "solved"
    assert len(domain._pool) == 0  # the finished episode's game was closed
