"""The chain-of-thought actors (gold context and all paragraphs) and their trip through the loop."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reflexion.context import Context
from reflexion.domains import get_domain
from reflexion.domains.base import ActorMemory, Attempt
from reflexion.domains.hotpotqa.cot import (
    ANSWER_MAX_TOKENS,
    CUT_OFF_NOTE,
    REASONING_MAX_TOKENS,
    cot_answer,
    is_sentence,
    usable_answer,
)
from reflexion.graphs import build_graph
from reflexion.runner import stream, thread_config
from reflexion.state import Task, new_run
from reflexion.testing.fakes import ScriptedChatModel

from .helpers import make_step


@pytest.mark.parametrize(
    ("reply", "answer"),
    [
        ("Quinn was born in 1961.\nAnswer: 1961", "1961"),
        ("Thought: ...\n**Answer:** 1961", "1961"),
        ("Answer: 1994\nOn reflection, no.\nAnswer: 1961", "1961"),
        ("Thought: she was born in 1961.\nAction: Finish[1961]", "1961"),
        ("Quinn was born in 1961, so the answer: 1961", "1961"),
        ("I think it is 1961.", ""),
        ("", ""),
    ],
)
def test_the_answer_is_the_last_answer_line_or_a_finish_call(reply: str, answer: str) -> None:
    assert cot_answer(reply) == answer


@given(st.text())
def test_reading_an_answer_never_raises(reply: str) -> None:
    answer = cot_answer(reply)
    assert answer == answer.strip() and "\n" not in answer


def test_cot_gt_reads_only_the_gold_paragraphs(task: Task) -> None:
    step, model = make_step(task, "The label was founded by Mara Quinn, born 1961.\nAnswer: 1961")
    attempt = get_domain("hotpotqa-cot-gt").act(step, ActorMemory(reflections=["Check the founder's birth year."]))
    prompt = model.prompts[0]
    assert (
        "Brightwater Records: Brightwater Records is an independent" in prompt and "Mara Quinn: Mara Quinn (born 1961)" in prompt
    )
    assert "Leeds: Leeds is a city" not in prompt and "Scottish painter" not in prompt
    assert "- Check the founder's birth year." in prompt and prompt.rstrip().endswith("Thought:")
    assert attempt.candidate == "1961"
    assert (
        attempt.trajectory[0]["thought"].endswith("Answer: 1961") and "Brightwater Records:" in attempt.trajectory[0]["context"]
    )


def test_a_reply_without_an_answer_line_gets_one_follow_up_for_the_answer(task: Task) -> None:
    step, model = make_step(task, "The label's founder is Mara Quinn, born in 1961.", "Answer: 1961")
    attempt = get_domain("hotpotqa-cot-gt").act(step, ActorMemory())
    assert attempt.candidate == "1961" and len(model.prompts) == 2
    follow_up = model.prompts[1]
    assert "The label's founder is Mara Quinn" in follow_up and follow_up.rstrip().endswith(
        'on one line that starts with "Answer:".'
    )
    assert task["prompt"] in follow_up.split("The label's founder")[-1], "the question is asked again after the reasoning"
    assert attempt.trajectory[0]["thought"].endswith("Answer: 1961")


def test_a_follow_up_without_the_answer_line_still_yields_its_first_line(task: Task) -> None:
    step, _ = make_step(task, "Quinn founded it.", "1961\nbecause she was born then")
    assert get_domain("hotpotqa-cot-gt").act(step, ActorMemory()).candidate == "1961"


def test_the_cut_off_note_is_never_the_answer_and_the_answer_is_asked_for(task: Task) -> None:
    rambling = " ".join(["Quinn"] * (REASONING_MAX_TOKENS + 50))
    step, model = make_step(task, rambling, "")  # the follow-up comes back empty too
    attempt = get_domain("hotpotqa-cot-gt").act(step, ActorMemory())
    assert attempt.candidate == "" and len(model.prompts) == 2
    assert "cut off" not in model.prompts[1], "the actor's own words go back, not our note"
    assert attempt.trajectory[0]["thought"].endswith(CUT_OFF_NOTE.strip())
    assert model.options[0]["max_tokens"] == REASONING_MAX_TOKENS and model.options[1]["max_tokens"] == ANSWER_MAX_TOKENS


@pytest.mark.parametrize(
    "echo",
    [
        "Answer: the final answer alone, in as few words as possible",
        "Answer: <answer>",
        "Answer: a name, a date, a number, or yes or no",
    ],
)
def test_the_prompts_own_words_copied_back_are_no_answer(task: Task, echo: str) -> None:
    step, _ = make_step(task, "Quinn founded it.", echo)
    assert get_domain("hotpotqa-cot-gt").act(step, ActorMemory()).candidate == ""


def test_words_of_the_context_are_an_answer_even_where_the_prompt_has_them_too(task: Task) -> None:
    assert usable_answer("yes or no", "Is it yes or no? The vote was yes or no.") == "yes or no"
    assert usable_answer("yes or no", "Quinn founded it.") == ""
    assert usable_answer("no", "Quinn founded it.") == "no"


def test_a_sentence_for_an_answer_gets_the_follow_up_and_the_shorter_answer_is_kept(task: Task) -> None:
    sentence = "Answer: Mara Quinn, who founded the label in Leeds in 1994, was born in the year 1961."
    step, model = make_step(task, f"Quinn founded it.\n{sentence}", "Answer: 1961")
    assert get_domain("hotpotqa-cot-gt").act(step, ActorMemory()).candidate == "1961" and len(model.prompts) == 2
    step, model = make_step(task, f"Quinn founded it.\n{sentence}", "Answer: <answer>")
    assert get_domain("hotpotqa-cot-gt").act(step, ActorMemory()).candidate == sentence.removeprefix("Answer: ")
    step, model = make_step(task, "Quinn founded it.\nAnswer: Mara Quinn was born.", "Answer: Mara Quinn")
    assert get_domain("hotpotqa-cot-gt").act(step, ActorMemory()).candidate == "Mara Quinn"
    assert len(model.prompts) == 2, "a short sentence ending in a full stop is a sentence too"
    step, model = make_step(task, "Quinn founded it.\nAnswer: St. Mary's Abbey Church")
    assert get_domain("hotpotqa-cot-gt").act(step, ActorMemory()).candidate == "St. Mary's Abbey Church"
    assert len(model.prompts) == 1, "a short name is left alone, full stops inside it included"


@pytest.mark.parametrize(
    ("answer", "sentence"),
    [
        ("1961", False),
        ("Mara Quinn", False),
        ("Jr.", False),
        ("Quinn Jr.", False),
        ("Vask Island has more inhabitants.", True),
        ("fortnightly women interest magazine", False),
        ("a b c d e f", True),
    ],
)
def test_what_counts_as_a_sentence(answer: str, sentence: bool) -> None:
    assert is_sentence(answer) is sentence


def test_cot_reads_all_paragraphs(task: Task) -> None:
    step, model = make_step(task, "Answer: 1961")
    get_domain("hotpotqa-cot").act(step, ActorMemory())
    assert "Leeds: Leeds is a city" in model.prompts[0] and "Scottish painter" in model.prompts[0]


def test_exact_match_evaluation_and_a_missing_answer(task: Task) -> None:
    domain = get_domain("hotpotqa-cot")
    step, model = make_step(task, role="evaluator")
    assert domain.evaluate(step, Attempt("1961")).feedback["success"] is True
    assert domain.evaluate(step, Attempt("1994")).feedback == {
        "score": 0.0,
        "success": False,
        "text": "'1994' is not the correct answer.",
    }
    missing = domain.evaluate(step, Attempt("")).feedback
    assert missing["success"] is False and "Answer: <short answer>" in missing["text"]
    assert model.prompts == []  # exact match needs no model
    assert domain.score(task, "the 1961") == {"passed": True, "exact_match": True, "f1": 1.0, "label": "1961"}


def test_wrong_then_right_after_a_reflection_through_the_loop(checkpointer, task: Task) -> None:
    domain = get_domain("hotpotqa-cot-gt")
    actor = ScriptedChatModel(replies=["The label was founded in 1994.\nAnswer: 1994", "Quinn was born in 1961.\nAnswer: 1961"])
    reflector = ScriptedChatModel(replies=["I gave the founding year; the question asks for the founder's birth year."])
    evaluator = ScriptedChatModel()  # exact match: never called
    context = Context.of(actor=actor, evaluator=evaluator, reflector=reflector, domain=domain)
    values = stream(build_graph(checkpointer), new_run(task, max_trials=3), thread_config("cot"), context)

    assert values["outcome"] == "solved" and values["trial"] == 2
    assert [t["candidate"] for t in values["trials"]] == ["1994", "1961"]
    assert "the founder's birth year" in actor.prompts[1] and "the founder's birth year" not in actor.prompts[0]
    reflect_prompt = reflector.prompts[0]
    assert "'1994' is not the correct answer." in reflect_prompt
    assert "Mara Quinn (born 1961)" in reflect_prompt  # the reflector sees the context the actor read
    assert values["usage"]["actor"]["calls"] == 2 and "evaluator" not in values["usage"]


def test_last_attempt_strategy_shows_the_previous_reasoning_without_the_context_twice(checkpointer, task: Task) -> None:
    actor = ScriptedChatModel(replies=["Founded in 1994.\nAnswer: 1994", "Answer: 1961"])
    context = Context.of(
        actor=actor, evaluator=ScriptedChatModel(), reflector=ScriptedChatModel(), domain=get_domain("hotpotqa-cot-gt")
    )
    stream(build_graph(checkpointer), new_run(task, strategy="last_attempt"), thread_config("last"), context)
    second = actor.prompts[1]
    assert "Reasoning: Founded in 1994." in second and "Feedback: '1994' is not the correct answer." in second
    assert second.count("Mara Quinn (born 1961)") == 1
