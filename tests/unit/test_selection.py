"""The loop's answer and its repetition check, as pure functions, and what they do in the loop."""

from __future__ import annotations

import zlib

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from reflexion.context import Context
from reflexion.domains import get_domain
from reflexion.graphs import build_graph
from reflexion.lessons import whole_sentences, without_dangling_intro, without_repeated_sentences
from reflexion.runner import stream, thread_config
from reflexion.selection import answer_after, best_trial, repeated_trial
from reflexion.state import new_run
from reflexion.testing.fakes import ScriptedChatModel

QA = get_domain("qa")
TASK = next(t for t in QA.load_tasks() if t["id"] == "sum-primes")  # answer: 28


def record(trial: int, candidate: str, score: float, success: bool = False) -> dict:
    return {"trial": trial, "candidate": candidate, "feedback": {"score": score, "success": success, "text": ""}, "trajectory": []}


def test_the_answer_is_a_success_else_the_best_score_latest_on_ties() -> None:
    trials = [record(1, "a", 0.8), record(2, "b", 0.4), record(3, "c", 0.8)]
    assert best_trial(trials)["trial"] == 3
    assert best_trial(trials[:2])["trial"] == 1
    assert best_trial([*trials, record(4, "d", 1.0, success=True)])["trial"] == 4
    assert [answer_after(trials, t)["trial"] for t in (1, 2, 3)] == [1, 1, 3]
    with pytest.raises(ValueError):
        best_trial([])


def test_on_a_tie_the_attempt_the_evaluator_saw_most_often_wins() -> None:
    def seen(trial: int, outputs: str) -> dict:
        return {**record(trial, f"v{trial}", 0.0), "feedback": {"score": 0.0, "success": False, "text": f"Tests failed: {outputs}"}}

    # Wrong self-written tests reject every attempt alike; the drifting fourth attempt is not the answer.
    drift = [seen(1, "30"), seen(2, "30"), seen(3, "30"), seen(4, "720")]
    assert best_trial(drift)["trial"] == 3
    assert best_trial([*drift, seen(5, "30")])["trial"] == 5  # the latest of the most seen
    assert best_trial([seen(1, "30"), seen(2, "720")])["trial"] == 2  # no repeats: the latest
    better = {**seen(6, "1"), "feedback": {"score": 0.5, "success": False, "text": "Tests failed: 1"}}
    assert best_trial([*drift, better])["trial"] == 6  # a higher score still wins outright


def test_a_repeat_names_the_latest_earlier_trial_with_the_same_candidate() -> None:
    same = QA.same_candidate
    trials = [record(1, "x = 1", 0), record(2, "y", 0), record(3, "X  =  1", 0)]
    assert repeated_trial(trials, same) == 1
    assert repeated_trial(trials[:2], same) is None and repeated_trial(trials[:1], same) is None


def test_programming_compares_programs_not_their_layout() -> None:
    same = get_domain("programming").same_candidate
    assert same("def f(x):\n    return x  # note\n", "def f(x):\n\n    return (x)\n")
    assert not same("def f(x):\n    return x\n", "def f(x):\n    return -x\n")
    assert same("def f(:", "def  f(:")  # not Python: compared as text


def run(replies: list[str], **settings):
    model = ScriptedChatModel(replies=list(replies))
    values = stream(build_graph(InMemorySaver()), new_run(TASK, **settings), thread_config("t"), Context.with_model(model, QA))
    return values, model


def actor_calls(model: ScriptedChatModel) -> list[dict]:
    return [o for p, o in zip(model.prompts, model.options, strict=True) if p.startswith("Answer the question")]


def test_a_draw_that_repeats_an_earlier_attempt_is_redrawn_at_once_sampled_and_seeded() -> None:
    replies = ["Answer: 1", "lesson 1", "Answer: 1", "Answer: 2", "lesson 2", "Answer: 28"]
    values, model = run(replies, max_trials=4, retry_temperature=0.9)
    assert values["outcome"] == "solved" and [t["candidate"] for t in values["trials"]] == ["1", "2", "28"]
    assert [t.get("repeats") for t in values["trials"]] == [None, None, None]
    redraw = {"temperature": 0.9, "seed": zlib.crc32(b"sum-primes:2:redraw")}
    assert actor_calls(model) == [{}, {}, redraw, {}]
    first_draw = values["trials"][1]["trajectory"][0]
    assert first_draw["redrawn"] == "repeated trial 1" and "Answer: 1" in str(first_draw)


def test_when_the_redraw_repeats_too_the_trial_records_it_and_the_next_one_samples() -> None:
    replies = ["Answer: 1", "lesson 1", "Answer: 1", "Answer: 1", "lesson 2", "Answer: 28"]
    values, model = run(replies, max_trials=4, retry_temperature=0.9)
    assert [t.get("repeats") for t in values["trials"]] == [None, 1, None]
    assert actor_calls(model)[3] == {"temperature": 0.9, "seed": zlib.crc32(b"sum-primes:3")}


def test_retry_temperature_zero_keeps_every_call_greedy() -> None:
    _, model = run(["Answer: 1", "lesson", "Answer: 1", "lesson", "Answer: 28"], max_trials=3, retry_temperature=0)
    assert actor_calls(model) == [{}, {}, {}]


@pytest.mark.parametrize("bad", [-0.1, 2.5, "hot", True])
def test_a_bad_retry_temperature_is_a_settings_error(bad) -> None:
    from reflexion.errors import SettingsError

    with pytest.raises(SettingsError, match=r"retry temperature \(--retry-temperature\) must be a number from 0 to 2"):
        new_run(TASK, retry_temperature=bad)


def test_a_cut_off_reflection_keeps_its_whole_sentences_only() -> None:
    assert whole_sentences("The loop is off by one. Next time I will star") == "The loop is off by one."
    assert whole_sentences("Check e.g. empty lists. Then ```python\ndef f(x): re") == "Check e.g. empty lists."
    assert whole_sentences("no full stop at all") == "no full stop at all"


def test_each_sentence_of_a_reflection_is_kept_once_and_short_ones_are_left_alone() -> None:
    said = "The loop stops one element early."
    assert without_repeated_sentences(f"{said} {said} Next time use range(n). {said}") == f"{said} Next time use range(n)."
    assert without_repeated_sentences(f"{said}\n\n{said} Sort the list first.") == f"{said}\n\nSort the list first."
    assert without_repeated_sentences("Wrong. Wrong. Try e.g. 2.") == "Wrong. Wrong. Try e.g. 2."
    assert without_repeated_sentences("no full stop, said once") == "no full stop, said once"


def test_a_reflection_stopped_at_a_code_block_loses_the_line_that_announced_it() -> None:
    assert without_dangling_intro("Sort first.\nHere is the revised implementation:\n") == "Sort first."
    assert without_dangling_intro("Note: x") == "Note: x"
    assert without_dangling_intro("Fix:") == ""
