"""The ReAct actor: the plain loop, malformed actions, the step cap, and the subgraph in the Reflexion
loop (drawing, streaming, checkpoints across trials, resuming in the middle of a trial)."""

from __future__ import annotations

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from reflexion.context import Context
from reflexion.domains import get_domain
from reflexion.domains.base import ActorMemory, Attempt
from reflexion.domains.hotpotqa import HotpotReActDomain
from reflexion.errors import ModelError, SettingsError
from reflexion.graphs import build_graph
from reflexion.runner import stream, thread_config
from reflexion.state import Task, new_run
from reflexion.testing.fakes import ScriptedChatModel

from .helpers import make_step

SOLVE = [
    "Thought: I need the founder of Brightwater Records.\nAction: search[Brightwater Records]",
    "Thought: Founded by Mara Quinn. Now her birth year.\nAction: search[Mara Quinn]",
    "Thought: She was born in 1961.\nAction: finish[1961]",
]
WRONG = [
    "Thought: Find the label.\nAction: search[Brightwater Records]",
    "Thought: It was founded in 1994.\nAction: finish[1994]",
]
LESSON = "I answered the founding year; next time search the founder, Mara Quinn, and read her birth year."


def test_act_runs_search_search_finish(task: Task) -> None:
    step, model = make_step(task, *SOLVE)
    events: list[dict] = []
    step.emit = events.append
    attempt = HotpotReActDomain().act(step, ActorMemory(reflections=["Read the question twice."]))
    assert attempt.candidate == "1961"
    assert [s["action"] for s in attempt.trajectory] == ["search[Brightwater Records]", "search[Mara Quinn]", "finish[1961]"]
    assert attempt.trajectory[1]["observation"].startswith("Mara Quinn (born 1961)")
    assert attempt.trajectory[2] == {"thought": "She was born in 1961.", "action": "finish[1961]"}
    assert [e["step"] for e in events] == [1, 2, 3] and events[0]["event"] == "react_step"
    assert events[1]["message"].startswith("step 2: search[Mara Quinn] -> Mara Quinn (born 1961) is an English music producer.")
    assert events[2]["message"] == "step 3: finish[1961] -> (answer given)"
    # every step's prompt carries the lesson and the scratchpad so far
    assert all("- Read the question twice." in p for p in model.prompts)
    assert "Action 1: search[Brightwater Records]\nObservation 1: Brightwater Records is" in model.prompts[1]
    assert model.prompts[2].rstrip().endswith("Thought 3:") and "at most 6 steps" in model.prompts[0]


def test_malformed_actions_become_observations_and_cost_a_step(task: Task) -> None:
    step, _ = make_step(
        task,
        "",
        "I am thinking.",
        "Action: google[Mara Quinn]",
        "Action: finish[]",
        "Action: lookup[1961]",
        "Action: Finish[1961]",
    )
    attempt = HotpotReActDomain(max_steps=8).act(step, ActorMemory())
    observations = [s.get("observation", "") for s in attempt.trajectory]
    assert (
        observations[0]
        == "Invalid action: your reply was empty. Use exactly one of search[entity], lookup[keyword] or finish[answer]."
    )
    assert observations[1].startswith("Invalid action: no action found in your reply.")
    assert observations[2].startswith("Invalid action: unknown action 'google'.")
    assert attempt.trajectory[2]["action"] == "google[Mara Quinn]"
    assert observations[3].startswith("Invalid action: finish[...] needs an answer")
    assert observations[4].startswith("There is no paragraph to look in yet")
    assert attempt.candidate == "1961" and len(attempt.trajectory) == 6


def test_the_step_cap_ends_the_trial_without_an_answer_and_that_is_a_failure(task: Task) -> None:
    step, model = make_step(task, *["Action: search[Leeds]"] * 3)
    domain = HotpotReActDomain(max_steps=3)
    attempt = domain.act(step, ActorMemory())
    assert attempt.candidate == "" and len(attempt.trajectory) == 3 and len(model.prompts) == 3
    feedback = domain.evaluate(step, attempt).feedback
    assert feedback == {"score": 0.0, "success": False, "text": "No answer: the 3 steps ran out before a finish[answer] action."}
    assert "No answer: stopped after 3 steps" in domain.render_trial(
        {"trial": 1, "candidate": "", "feedback": feedback, "trajectory": attempt.trajectory}
    )


def test_the_subgraph_shows_in_the_drawing() -> None:
    drawing = build_graph(actor_node=HotpotReActDomain().actor_graph()).get_graph(xray=True)
    assert {"actor:think", "actor:act", "evaluator", "decide", "reflect"} <= set(drawing.nodes)
    edges = {(e.source, e.target) for e in drawing.edges}
    assert {("actor:think", "actor:act"), ("actor:act", "actor:think"), ("actor:act", "actor:__end__")} <= edges
    assert "subgraph actor" in drawing.draw_mermaid()


def _run(checkpointer, task, actor_replies, reflector_replies=(), **settings):
    domain = HotpotReActDomain()
    graph = build_graph(checkpointer, actor_node=domain.actor_graph())
    actor, reflector = ScriptedChatModel(replies=list(actor_replies)), ScriptedChatModel(replies=list(reflector_replies))
    context = Context.of(actor=actor, evaluator=ScriptedChatModel(), reflector=reflector, domain=domain)
    events: list[tuple[str, tuple[str, ...], object]] = []
    values = stream(graph, new_run(task, **settings), thread_config("react"), context, on_event=lambda *e: events.append(e))
    return values, graph, actor, reflector, events


def test_streaming_yields_each_react_step_from_the_subgraph(checkpointer, task: Task) -> None:
    values, *_, events = _run(checkpointer, task, SOLVE)
    assert values["outcome"] == "solved"
    step_updates = [p["act"] for mode, ns, p in events if mode == "updates" and ns and ns[0].startswith("actor:") and "act" in p]
    assert [u["trajectory"][0]["action"] for u in step_updates] == [
        "search[Brightwater Records]",
        "search[Mara Quinn]",
        "finish[1961]",
    ]
    assert not [p for mode, _, p in events if mode == "custom"]  # the updates are the progress: no duplicates
    thinks = [p for mode, ns, p in events if mode == "updates" and ns and "think" in p]
    assert len(thinks) == 3


def test_a_checkpointed_run_resets_the_trajectory_and_carries_the_reflection(checkpointer, task: Task) -> None:
    values, graph, actor, reflector, _ = _run(checkpointer, task, WRONG + SOLVE, [LESSON], max_trials=3)
    assert values["outcome"] == "solved" and values["trial"] == 2
    assert values["reflections"] == [LESSON]
    assert [len(t["trajectory"]) for t in values["trials"]] == [2, 3]
    assert values["trajectory"] == values["trials"][1]["trajectory"]  # trial 2 started from an empty trajectory
    assert [t["feedback"]["success"] for t in values["trials"]] == [False, True]
    # trial 2's prompts read the lesson; trial 1's did not
    assert all(LESSON not in p for p in actor.prompts[:2]) and all(LESSON in p for p in actor.prompts[2:])
    assert "Action 2: finish[1994]" in reflector.prompts[0] and "Final answer: 1994" in reflector.prompts[0]
    assert "by searching and looking up sentences" in reflector.prompts[0]  # the domain's own reflect prompt
    # usage is counted once per call, not again when the subgraph hands back
    assert values["usage"]["actor"]["calls"] == 5 and values["usage"]["reflector"]["calls"] == 1
    assert values["usage"]["actor"]["input_tokens"] == sum(len(p.split()) for p in actor.prompts)
    subgraph_keys = {"pending", "cursor", "done"}
    assert not subgraph_keys & set(values)  # the subgraph's own keys stay inside it


def test_a_run_resumes_in_the_middle_of_a_react_trial(checkpointer, task: Task) -> None:
    domain = HotpotReActDomain()
    graph = build_graph(checkpointer, domain=domain)
    config = thread_config("resume")
    broken = ScriptedChatModel(replies=[SOLVE[0], SOLVE[1], ConnectionError("endpoint went away")])
    with pytest.raises(ModelError, match="actor model .* failed"):
        stream(graph, new_run(task), config, Context.of(actor=broken, evaluator=broken, reflector=broken, domain=domain))
    assert graph.get_state(config).next == ("actor",)

    resumed = ScriptedChatModel(replies=[SOLVE[2]])
    values = stream(graph, None, config, Context.of(actor=resumed, evaluator=resumed, reflector=resumed, domain=domain))
    assert values["outcome"] == "solved" and values["candidate"] == "1961"
    assert len(resumed.prompts) == 1 and "Observation 2: Mara Quinn (born 1961)" in resumed.prompts[0]  # steps 1-2 were kept
    assert [s["action"] for s in values["trajectory"]] == ["search[Brightwater Records]", "search[Mara Quinn]", "finish[1961]"]
    assert values["usage"]["actor"]["calls"] == 3


def test_without_the_domain_an_interrupted_trial_is_played_again_from_its_start(checkpointer, task: Task) -> None:
    # build_graph(checkpointer) alone (the README's snippet): the plain actor node calls act(), which
    # runs the same subgraph as one uncheckpointed call, twice when the attempt repeats the last one
    # (the redraw). A crash in the redraw leaves no half-played steps to be mistaken for the first draw.
    domain = HotpotReActDomain()
    graph = build_graph(checkpointer)
    config, start = thread_config("plain"), new_run(task, strategy="last_attempt_and_reflexion", max_trials=3, retry_temperature=0.7)
    broken = ScriptedChatModel(replies=[*WRONG, *WRONG, SOLVE[0], ConnectionError("endpoint went away")])
    lessons = ScriptedChatModel(replies=[LESSON])
    with pytest.raises(ModelError):
        stream(graph, start, config, Context.of(actor=broken, evaluator=broken, reflector=lessons, domain=domain))
    assert graph.get_state(config).next == ("actor",) and len(graph.get_state(config).values["trials"]) == 1

    resumed = ScriptedChatModel(replies=[*WRONG, *SOLVE])
    values = stream(graph, None, config, Context.of(actor=resumed, evaluator=resumed, reflector=lessons, domain=domain))
    assert values["outcome"] == "solved" and values["trial"] == 2
    steps = [(s["action"], s.get("redrawn")) for s in values["trials"][1]["trajectory"]]
    assert steps == [("search[Brightwater Records]", "repeated trial 1"), ("finish[1994]", "repeated trial 1"),
                     ("search[Brightwater Records]", None), ("search[Mara Quinn]", None), ("finish[1961]", None)]  # fmt: skip
    assert len(resumed.prompts) == 5 and values["usage"]["actor"]["calls"] == 2 + 5


def test_the_subgraph_refuses_another_domain_in_the_context(task: Task) -> None:
    graph = build_graph(actor_node=HotpotReActDomain().actor_graph())
    model = ScriptedChatModel(replies=[SOLVE[0]])
    with pytest.raises(SettingsError, match="needs the hotpotqa-react domain"):
        graph.invoke(new_run(task), context=Context.with_model(model, get_domain("qa")))


def test_plain_act_and_the_subgraph_give_the_same_trajectory(task: Task) -> None:
    step, _ = make_step(task, *SOLVE)
    plain = HotpotReActDomain().act(step, ActorMemory())
    values, *_ = _run(InMemorySaver(), task, SOLVE)
    assert values["trajectory"] == plain.trajectory and values["candidate"] == plain.candidate
    assert isinstance(plain, Attempt)


def test_act_counts_its_calls_on_the_role_and_keeps_its_sampling_options(task: Task) -> None:
    step, model = make_step(task, *SOLVE)
    step.llm.options = {"temperature": 0.7, "seed": 11}
    HotpotReActDomain().act(step, ActorMemory())
    assert step.llm.usage["calls"] == 3 and step.llm.usage["input_tokens"] == sum(len(p.split()) for p in model.prompts)
    assert [(o.get("temperature"), o.get("seed")) for o in model.options] == [(0.7, 11)] * 3


def test_plan_resume_continues_a_pending_react_trial_instead_of_replaying_it(checkpointer, task: Task) -> None:
    from reflexion.runner import plan_resume

    domain = HotpotReActDomain()
    graph = build_graph(checkpointer, actor_node=domain.actor_graph())
    broken = ScriptedChatModel(replies=[SOLVE[0], SOLVE[1], ConnectionError("endpoint went away")])
    with pytest.raises(ModelError):
        stream(graph, new_run(task), thread_config("plan"), Context.of(actor=broken, evaluator=broken, reflector=broken, domain=domain))

    for more in (None, 2):  # plain resume, and resume with a bigger budget
        plan = plan_resume(graph, "plan", more_trials=more)
        assert "checkpoint_id" not in plan.config["configurable"]
    resumed = ScriptedChatModel(replies=[SOLVE[2]])
    values = stream(graph, None, plan.config, Context.of(actor=resumed, evaluator=resumed, reflector=resumed, domain=domain))
    assert values["outcome"] == "solved" and len(resumed.prompts) == 1  # steps 1-2 were not redone
    assert values["max_trials"] == 7
