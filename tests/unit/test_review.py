"""A person reviews the reflections (human in the loop): the graph pauses with ``interrupt()``, the
draft is shown, and the run continues with the person's answer; a kill while it waits loses nothing."""

from __future__ import annotations

import pytest
from langgraph.types import Command

from reflexion.context import Context
from reflexion.domains import get_domain
from reflexion.graphs import build_graph
from reflexion.history import trials
from reflexion.nodes.review import reviewed
from reflexion.runner import thread_config
from reflexion.state import new_run
from reflexion.testing.fakes import ScriptedChatModel

QA = get_domain("qa")
TASK = next(t for t in QA.load_tasks() if t["id"] == "sum-primes")  # answer: 28
DRAFT = "I think I made an arithmetic slip."


def start(checkpointer, replies):
    model = ScriptedChatModel(replies=list(replies))
    graph, config, context = build_graph(checkpointer), thread_config("t"), Context.with_model(model, QA)
    out = graph.invoke(new_run(TASK, max_trials=3, review_reflections=True), config, context=context)
    return graph, config, context, model, out


def test_the_run_pauses_with_the_trial_the_feedback_and_the_draft(checkpointer) -> None:
    graph, config, _, model, out = start(checkpointer, ["Answer: 27", DRAFT])
    [pending] = out["__interrupt__"]
    assert pending.value["kind"] == "review_reflection" and pending.value["trial"] == 1
    assert pending.value["draft_reflection"] == DRAFT and "'27' is wrong" in pending.value["feedback"]
    snapshot = graph.get_state(config)
    assert snapshot.next == ("review",) and snapshot.values.get("reflections", []) == []
    assert len(model.prompts) == 2, "the reflector was asked once, before the pause"


def test_accepting_keeps_the_models_reflection(checkpointer) -> None:
    graph, config, context, model, _ = start(checkpointer, ["Answer: 27", DRAFT, "Answer: 28"])
    final = graph.invoke(Command(resume="accept"), config, context=context)
    assert final["outcome"] == "solved" and final["reflections"] == [DRAFT] and final["reflection_authors"] == ["model"]
    assert DRAFT in model.prompts[-1] and len(model.prompts) == 3, "resuming asked no model again"


def test_a_persons_own_lesson_is_what_the_next_trial_reads_and_is_marked(checkpointer) -> None:
    mine = "The first five primes are 2, 3, 5, 7 and 11: add them once each."
    graph, config, context, model, _ = start(checkpointer, ["Answer: 27", DRAFT, "Answer: 28"])
    final = graph.invoke(Command(resume={"reflection": mine}), config, context=context)
    assert final["reflections"] == [mine] and final["reflection_authors"] == ["human"]
    assert mine in model.prompts[-1] and DRAFT not in model.prompts[-1]
    [first, _] = trials(final)
    assert first.reflection == mine and first.reflection_author == "human"


def test_a_kill_while_waiting_loses_nothing_and_resuming_asks_again(tmp_path) -> None:
    from reflexion.checkpoint import open_checkpointer

    with open_checkpointer(tmp_path / "runs.sqlite") as saver:
        start(saver, ["Answer: 27", DRAFT])
    # A new process: new graph, new models; the draft comes from the checkpoint, no model is asked.
    with open_checkpointer(tmp_path / "runs.sqlite") as saver:
        graph, config = build_graph(saver), thread_config("t")
        silent = ScriptedChatModel(replies=["Answer: 28"])
        context = Context.with_model(silent, QA)
        again = graph.invoke(None, config, context=context)
        assert again["__interrupt__"][0].value["draft_reflection"] == DRAFT and silent.prompts == []
        final = graph.invoke(Command(resume=True), config, context=context)
    assert final["outcome"] == "solved" and len(silent.prompts) == 1


@pytest.mark.parametrize(("answer", "expected"), [
    (None, (DRAFT, "model")), ("", (DRAFT, "model")), (True, (DRAFT, "model")), ({"reflection": DRAFT}, (DRAFT, "model")),
    ("  Add each prime once.  ", ("Add each prime once.", "human")), ({"text": "Mine."}, ("Mine.", "human")),
])  # fmt: skip
def test_what_a_person_may_answer(answer, expected) -> None:
    assert reviewed(answer, DRAFT) == expected


def test_without_review_nothing_pauses(checkpointer) -> None:
    model = ScriptedChatModel(replies=["Answer: 27", DRAFT, "Answer: 28"])
    final = build_graph(checkpointer).invoke(new_run(TASK, max_trials=3), thread_config("t"), context=Context.with_model(model, QA))
    assert final["outcome"] == "solved" and final["reflection_authors"] == ["model"] and "__interrupt__" not in final
