"""The LLM-classifier evaluator: verdict parsing, and its use in place of the game's signal."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reflexion.domains.base import ActorMemory, Step
from reflexion.domains.textworld import TextWorldDomain
from reflexion.domains.textworld.judge import parse_verdict
from reflexion.llm import RoleModel
from reflexion.testing.fakes import ScriptedChatModel


@pytest.mark.parametrize(
    ("reply", "verdict"),
    [
        ("The key was taken.\nVerdict: yes", True),
        ("The agent only looked around.\nVerdict: no", False),
        ("**Verdict:** **Yes**", True),
        ("Verdict - NO.", False),
        ("verdict: no ... on reflection, Verdict: yes", True),  # the last verdict counts
        ("Yes", True),
        ("No, it never left the kitchen.", False),
        ("The task was not completed.", None),  # no yes/no to read: never guessed from 'completed'
        ("Verdict: maybe", None),
        ("", None),
    ],
)
def test_parse_verdict(reply: str, verdict: bool | None) -> None:
    assert parse_verdict(reply) is verdict


@given(st.text(), st.sampled_from(["yes", "no"]))
def test_a_final_verdict_line_always_wins(text: str, word: str) -> None:
    assert parse_verdict(f"{text}\nVerdict: {word}") is (word == "yes")


def judged(small_game, reply: str, actions: list[str]):
    domain = TextWorldDomain(evaluator="llm")
    (task,) = domain.load_tasks(str(small_game.task_file))
    actor = Step(task=task, llm=RoleModel("actor", ScriptedChatModel(replies=[f"> {a}" for a in actions])), domain_data={})
    attempt = domain.act(actor, ActorMemory())
    judge = ScriptedChatModel(replies=[reply])
    feedback = domain.evaluate(Step(task=task, llm=RoleModel("evaluator", judge), domain_data={}), attempt).feedback
    return feedback, judge


def test_the_judge_decides_even_against_the_game(small_game) -> None:
    feedback, judge = judged(small_game, "It picked up the latchkey, but I am not convinced.\nVerdict: no", small_game.walkthrough)
    assert feedback["success"] is False and "not completed" in feedback["text"] and "won the game" in feedback["text"]
    assert "> take latchkey" in judge.prompts[0] and "How the episode ended: won the game in 3 steps" in judge.prompts[0]


def test_the_judge_can_accept_and_an_unreadable_verdict_fails(small_game) -> None:
    accepted, _ = judged(small_game, "Verdict: yes", small_game.walkthrough)
    assert accepted == {"score": 1.0, "success": True, "text": "The judge says the task was completed: (no reason given)"}
    unreadable, _ = judged(small_game, "Hard to say.", ["look"] * 3)
    assert unreadable["success"] is False and "no readable verdict" in unreadable["text"]
    assert "repeated action 'look' 3 times" in unreadable["text"]
