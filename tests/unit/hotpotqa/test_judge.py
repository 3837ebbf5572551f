"""The LLM-judge evaluator: it never sees the label, its verdict is parsed robustly, and ``score``
still reports exact match against the label."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reflexion.context import Context
from reflexion.domains.base import Attempt
from reflexion.domains.hotpotqa import HotpotCoTGoldDomain, HotpotReActDomain
from reflexion.domains.hotpotqa.judge import parse_verdict
from reflexion.graphs import build_graph
from reflexion.runner import stream, thread_config
from reflexion.state import Task, new_run
from reflexion.testing.fakes import ScriptedChatModel

from .helpers import make_step


@pytest.mark.parametrize(
    ("reply", "verdict"),
    [
        ("The paragraphs say 1961.\nVerdict: yes", True),
        ("It gives the founding year.\nVerdict: no", False),
        ("VERDICT - **No**", False),
        ("Verdict: [yes]", True),
        ("Verdict: maybe. Verdict: yes", True),
        ("Yes, that is right.", True),
        ("No.", False),
        ("The answer is incorrect", False),
        ("Hard to say, the text is unclear", None),
        ("", None),
    ],
)
def test_verdicts_are_read_from_the_forms_judges_write(reply: str, verdict: bool | None) -> None:
    assert parse_verdict(reply) is verdict


@given(st.text())
def test_parsing_a_verdict_never_raises(text: str) -> None:
    assert parse_verdict(text) in (True, False, None)


def test_the_judge_sees_question_context_and_reasoning_but_not_the_label(task: Task) -> None:
    task["data"]["answer"] = "LABEL-NOT-IN-CONTEXT"
    domain = HotpotCoTGoldDomain(evaluator="llm")
    step, judge = make_step(task, "Quinn was born in 1961 per the paragraph.\nVerdict: yes", role="evaluator")
    attempt = Attempt("1961", [{"context": "...", "thought": "The founder is Mara Quinn, born 1961."}])
    feedback = domain.evaluate(step, attempt).feedback
    prompt = judge.prompts[0]
    assert "LABEL-NOT-IN-CONTEXT" not in prompt
    assert task["prompt"] in prompt and "Mara Quinn: Mara Quinn (born 1961)" in prompt and "Leeds: Leeds is a city" not in prompt
    assert "Their reasoning:\nThe founder is Mara Quinn, born 1961." in prompt and "Their answer: 1961" in prompt
    assert feedback == {
        "score": 1.0,
        "success": True,
        "text": "The judge accepted '1961': Quinn was born in 1961 per the paragraph.",
    }
    # the loop acted on the judge, but the benchmark score still reads the label
    assert domain.score(task, "1961")["exact_match"] is False


def test_a_react_attempt_is_judged_on_its_steps_against_all_paragraphs(task: Task) -> None:
    step, judge = make_step(task, "It names the founding year.\nVerdict: no", role="evaluator")
    attempt = Attempt(
        "1994",
        [{"thought": "Find the label.", "action": "search[Brightwater Records]", "observation": "It was founded in 1994."}],
    )
    feedback = HotpotReActDomain(evaluator="llm").evaluate(step, attempt).feedback
    assert "Action 1: search[Brightwater Records]" in judge.prompts[0] and "Leeds: Leeds is a city" in judge.prompts[0]
    assert feedback["success"] is False and feedback["text"].startswith("The judge rejected '1994': It names the founding year.")


def test_an_unreadable_verdict_is_a_failure_that_says_so(task: Task) -> None:
    step, _ = make_step(task, "Well, it depends on how you read it.", role="evaluator")
    feedback = HotpotCoTGoldDomain(evaluator="llm").evaluate(step, Attempt("1961", [{"thought": "t"}])).feedback
    assert feedback["success"] is False and feedback["score"] == 0.0
    assert feedback["text"].startswith("Could not parse the judge's verdict") and "it depends" in feedback["text"]


def test_no_answer_is_a_failure_without_asking_the_judge(task: Task) -> None:
    step, judge = make_step(task, role="evaluator")
    assert HotpotCoTGoldDomain(evaluator="llm").evaluate(step, Attempt("")).feedback["success"] is False
    assert judge.prompts == []


def test_the_loop_stops_on_the_judges_yes_even_when_the_label_disagrees(checkpointer, task: Task) -> None:
    actor = ScriptedChatModel(replies=["Answer: 1994"])
    judge = ScriptedChatModel(replies=["Looks supported.\nVerdict: yes"])
    context = Context.of(actor=actor, evaluator=judge, reflector=ScriptedChatModel(), domain=HotpotCoTGoldDomain(evaluator="llm"))
    values = stream(build_graph(checkpointer), new_run(task), thread_config("judge"), context)
    assert values["outcome"] == "solved" and values["trial"] == 1
    assert HotpotCoTGoldDomain().score(task, values["candidate"])["exact_match"] is False
    assert values["usage"]["evaluator"]["calls"] == 1
