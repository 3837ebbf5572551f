"""The Reflexion loop with scripted models: stopping, reflections, memory window, strategies, budget."""

from __future__ import annotations

import pytest

from reflexion.context import Context
from reflexion.domains import get_domain
from reflexion.errors import SettingsError
from reflexion.graphs import build_graph
from reflexion.runner import stream, thread_config
from reflexion.state import new_run
from reflexion.testing.fakes import ScriptedChatModel

QA = get_domain("qa")
TASK = next(t for t in QA.load_tasks() if t["id"] == "sum-primes")  # answer: 28


def run(checkpointer, replies, thread="t", **settings):
    model = ScriptedChatModel(replies=list(replies))
    graph = build_graph(checkpointer)
    values = stream(graph, new_run(TASK, **settings), thread_config(thread), Context.with_model(model, QA))
    return values, model, graph


def actor_prompts(model: ScriptedChatModel) -> list[str]:
    return [p for p in model.prompts if p.startswith("Answer the question")]


def test_success_on_first_trial_stops_at_once(checkpointer):
    values, model, _ = run(checkpointer, ["Two plus three... Answer: 28"])
    assert values["outcome"] == "solved"
    assert values["trial"] == 1
    assert values.get("reflections", []) == []
    assert len(model.prompts) == 1


def test_failure_then_success_uses_exactly_one_reflection(checkpointer):
    values, model, _ = run(checkpointer, ["Answer: 27", "I forgot that 2 is prime.", "Answer: 28"])
    assert values["outcome"] == "solved"
    assert values["trial"] == 2
    assert values["reflections"] == ["I forgot that 2 is prime."]
    assert "I forgot that 2 is prime." in actor_prompts(model)[1]
    assert [t["feedback"]["success"] for t in values["trials"]] == [False, True]


def test_reflections_accumulate_and_the_actor_sees_the_last_k(checkpointer):
    replies = []
    for i in range(1, 5):
        replies += [f"Answer: {i}", f"lesson {i}"]
    replies.append("Answer: 28")
    values, model, _ = run(checkpointer, replies, max_trials=5, memory_window=2)
    assert values["reflections"] == ["lesson 1", "lesson 2", "lesson 3", "lesson 4"]
    last_prompt = actor_prompts(model)[-1]
    assert "lesson 3" in last_prompt and "lesson 4" in last_prompt
    assert "lesson 1" not in last_prompt and "lesson 2" not in last_prompt
    assert values["outcome"] == "solved" and values["trial"] == 5


def test_trial_budget_stops_the_loop(checkpointer):
    values, model, _ = run(checkpointer, ["Answer: 1", "r1", "Answer: 2", "r2", "Answer: 3"], max_trials=3)
    assert values["outcome"] == "failed"
    assert values["trial"] == 3
    assert len(values["trials"]) == 3
    assert values["reflections"] == ["r1", "r2"]  # no reflection after the last trial
    assert model.replies == []


def test_strategy_none_makes_a_single_attempt(checkpointer):
    values, model, _ = run(checkpointer, ["Answer: 1"], strategy="none", max_trials=5)
    assert values["outcome"] == "failed" and values["trial"] == 1 and len(model.prompts) == 1


def test_last_attempt_strategy_shows_the_previous_attempt_without_reflecting(checkpointer):
    values, model, _ = run(checkpointer, ["First guess. Answer: 30", "Answer: 28"], strategy="last_attempt")
    assert values.get("reflections", []) == []
    second = actor_prompts(model)[1]
    assert "First guess" in second and "'30' is wrong" in second
    assert values["outcome"] == "solved"


def test_last_attempt_and_reflexion_shows_both(checkpointer):
    values, model, _ = run(checkpointer, ["Guess. Answer: 30", "count again", "Answer: 28"], strategy="last_attempt_and_reflexion")
    second = actor_prompts(model)[1]
    assert "Guess" in second and "count again" in second
    assert values["reflections"] == ["count again"]


def test_reflexion_strategy_hides_the_last_attempt(checkpointer):
    _, model, _ = run(checkpointer, ["Secret guess. Answer: 30", "count again", "Answer: 28"], strategy="reflexion")
    assert "Secret guess" not in actor_prompts(model)[1]


def test_empty_reflection_becomes_the_evaluators_feedback(checkpointer):
    values, _, _ = run(checkpointer, ["Answer: 30", "   ", "Answer: 28"])
    assert "'30' is wrong" in values["reflections"][0]


def test_the_prompts_own_instruction_copied_into_a_reflection_is_dropped(checkpointer):
    echo = "In a few sentences, say plainly why the attempt failed and what you will do differently next time."
    values, _, _ = run(checkpointer, ["Answer: 27", f"I forgot that 2 is prime.\n\n{echo}", "Answer: 28"])
    assert values["reflections"] == ["I forgot that 2 is prime."]


def test_a_sentence_said_over_and_over_is_kept_once(checkpointer):
    loop = " The mistake was in counting the primes." * 6
    values, _, _ = run(checkpointer, ["Answer: 27", f"I started at 3.{loop}\n\nNext time start at 2.{loop}", "Answer: 28"])
    assert values["reflections"] == ["I started at 3. The mistake was in counting the primes.\n\nNext time start at 2."]


def test_a_lesson_written_again_is_asked_for_once_more_sampled(checkpointer):
    replies = ["Answer: 27", "Count again.", "Answer: 26", " count  AGAIN. ", "Start the count at 2.", "Answer: 28"]
    values, model, _ = run(checkpointer, replies, retry_temperature=0.7)
    assert values["outcome"] == "solved" and values["reflections"] == ["Count again.", "Start the count at 2."]
    assert "did not find the cause" in model.prompts[4] and "did not find the cause" not in model.prompts[3]
    assert "Count again." in model.prompts[3] and "Count again." not in model.prompts[4], "the redraw is not shown the lesson it copied"
    assert model.options[4]["temperature"] == 0.7 and isinstance(model.options[4]["seed"], int)
    assert "temperature" not in model.options[3], "the first draw stays greedy"


def test_greedy_runs_keep_a_repeated_lesson_rather_than_ask_for_the_same_again(checkpointer):
    values, model, _ = run(checkpointer, ["Answer: 27", "Count again.", "Answer: 26", "Count again.", "Answer: 28"], retry_temperature=0)
    assert values["reflections"] == ["Count again.", "Count again."] and len(model.prompts) == 5


def test_unusable_actor_reply_is_a_failed_trial_not_a_crash(checkpointer):
    values, _, _ = run(checkpointer, ["I don't know", "end with an answer line", "Answer: 28"])
    assert "No answer found" in values["trials"][0]["feedback"]["text"]
    assert values["outcome"] == "solved"


def test_usage_is_counted_per_role(checkpointer):
    values, _, _ = run(checkpointer, ["Answer: 27", "recount", "Answer: 28"])
    assert values["usage"]["actor"]["calls"] == 2
    assert values["usage"]["reflector"]["calls"] == 1
    assert values["usage"]["actor"]["input_tokens"] > 0


@pytest.mark.parametrize(
    ("settings", "message"),
    [({"max_trials": 0}, "max trials"), ({"max_trials": -1}, "max trials"), ({"memory_window": 0}, "memory window"), ({"strategy": "bogus"}, "unknown strategy")],
)
def test_invalid_settings_are_rejected(settings, message):
    with pytest.raises(SettingsError, match=message):
        new_run(TASK, **settings)


def test_drawing_has_the_four_nodes_the_review_and_the_loop_edges():
    graph = build_graph().get_graph()
    assert {"actor", "evaluator", "reflect", "decide", "review"} <= set(graph.nodes)
    edges = {(e.source, e.target, e.conditional) for e in graph.edges}
    assert ("reflect", "actor", True) in edges and ("reflect", "review", True) in edges  # the loop, with or without a person
    assert ("review", "actor", False) in edges
    assert ("decide", "reflect", True) in edges and ("decide", "actor", True) in edges
    assert ("decide", "__end__", True) in edges
    assert not any(e.source == "decide" and e.target == "evaluator" for e in graph.edges)  # typed router: no edge to everything
    assert not any(e.source == "reflect" and e.target in ("evaluator", "decide", "__end__") for e in graph.edges)
    mermaid = graph.draw_mermaid()
    assert "reflect -.-> actor" in mermaid and "decide -.-> reflect" in mermaid and "review --> actor" in mermaid
    assert "reflect" in graph.draw_ascii()


def test_progress_shows_the_first_failed_test_not_a_header():
    from reflexion.progress import feedback_line

    text = "Tested passed:\nassert f(1) == 1\n\nTests failed:\nassert f(2) == 4 # output: 3\n"
    assert feedback_line(text) == "assert f(2) == 4 # output: 3"
    assert feedback_line("Tested passed:\nassert f(1) == 1\n\nTests failed:\n") == "assert f(1) == 1"
    assert feedback_line("'27' is wrong.") == "'27' is wrong."


def test_a_domain_from_another_package_brings_its_own_prompts(tmp_path, monkeypatch):
    from reflexion.prompts import load_prompt, register_prompt_package, render_prompt

    package = tmp_path / "sums_pkg" / "prompts"
    package.mkdir(parents=True)
    (tmp_path / "sums_pkg" / "__init__.py").write_text("")
    (package / "reflect_system.txt").write_text("You are the sums tutor, $who.")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        register_prompt_package("sums", "sums_pkg.prompts")
        assert render_prompt("reflect_system", "sums", who="kindly") == "You are the sums tutor, kindly."
        assert "Lessons you wrote" in render_prompt("reflect", "sums", task="t", trial="x", feedback="f", reflections="r")
    finally:
        from reflexion import prompts

        prompts._PACKAGES.pop("sums", None)
        load_prompt.cache_clear()
