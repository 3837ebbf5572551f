"""When an episode ends and how it is judged, on hand-made trajectories (no game needed)."""

from __future__ import annotations

import pytest

from reflexion.domains.textworld import game_feedback
from reflexion.domains.textworld.heuristics import episode_end, repeated_action
from reflexion.domains.textworld.settings import PlaySettings

START = {"kind": "start", "observation": "Your task: take the coin.", "score": 0, "max_score": 2, "status": "playing"}


def act(action: str, observation: str = "Nothing happens.", score: int = 0, status: str = "playing") -> dict:
    return {"kind": "act", "action": action, "observation": observation, "score": score, "status": status}


def think(thought: str = "hmm") -> dict:
    return {"kind": "think", "thought": thought, "observation": "OK.", "score": 0, "status": "playing"}


def invalid() -> dict:
    return {"kind": "invalid", "reply": "???", "observation": "No command found.", "score": 0, "status": "playing"}


SETTINGS = PlaySettings(max_steps=6, repeat_limit=3)


def test_one_short_of_the_repeat_limit_goes_on() -> None:
    assert episode_end([START, act("look"), act("look")], SETTINGS) is None


def test_the_repeat_limit_reached_is_a_failure_naming_the_action() -> None:
    end = episode_end([START, act("look"), act("look"), act("look")], SETTINGS)
    assert end is not None and end.reason == "repeated" and not end.won
    assert end.text == "repeated action 'look' 3 times with the same result"


def test_the_repeat_limit_is_configurable() -> None:
    steps = [START, act("look"), act("look")]
    assert episode_end(steps, PlaySettings(max_steps=6, repeat_limit=2)).reason == "repeated"


def test_the_same_action_with_a_different_result_is_progress_not_a_loop() -> None:
    corridor = [START, act("go north", "Room 1"), act("go north", "Room 2"), act("go north", "Room 3")]
    assert episode_end(corridor, SETTINGS) is None


def test_a_different_action_breaks_the_run() -> None:
    assert episode_end([START, act("look"), act("look"), act("inventory"), act("look")], SETTINGS) is None


def test_thoughts_and_unreadable_replies_do_not_break_a_run_of_repeats() -> None:
    steps = [START, act("look"), think(), act("look"), invalid(), act("look")]
    assert episode_end(steps, SETTINGS).reason == "repeated"


def test_the_step_cap_exactly_reached_is_a_failure() -> None:
    steps = [START] + [act(f"go {i}") for i in range(5)]
    assert episode_end(steps, SETTINGS) is None  # 5 of 6 turns used
    end = episode_end([*steps, think()], SETTINGS)  # every model turn counts, thoughts included
    assert end.reason == "step_cap" and end.text == "step cap 6 reached without winning"


def test_a_win_on_the_last_allowed_step_counts_as_a_win() -> None:
    steps = [START] + [act(f"go {i}") for i in range(5)] + [act("take coin", "You win.", 2, "won")]
    end = episode_end(steps, SETTINGS)
    assert end.reason == "won" and end.won and end.text == "won the game in 6 steps"


def test_a_win_on_a_repeated_action_counts_as_a_win() -> None:
    steps = [START, act("take coin"), act("take coin"), act("take coin", "You win.", 2, "won")]
    assert episode_end(steps, SETTINGS).won


def test_a_lost_game_ends_the_episode_with_the_game_message() -> None:
    end = episode_end([START, act("eat poison", "You die.\n*** You lost! ***", 0, "lost")], SETTINGS)
    assert end.reason == "lost" and end.text == "lost the game after 1 step: You die. *** You lost! ***"


def test_repeated_action_looks_only_at_the_last_actions() -> None:
    assert repeated_action([START, act("look"), act("look"), act("look"), act("go east", "Hall")], 3) is None
    assert repeated_action([START, act("look")], 1) == "look"


@pytest.mark.parametrize(
    ("steps", "success", "score"),
    [
        ([START, act("take coin", "Done.", 2, "won")], True, 1.0),
        ([START, act("take key", "Got it.", 1)] + [act("look", "A room.", 1)] * 3, False, 0.5),
    ],
)
def test_feedback_scores_a_win_as_one_and_a_failure_by_its_points(steps, success, score) -> None:
    feedback = game_feedback(steps, episode_end(steps, SETTINGS))
    assert feedback["success"] is success and feedback["score"] == score


def test_a_step_cap_episode_is_never_a_success_even_with_all_points() -> None:
    """The reference code once counted step-cap episodes as successes."""
    steps = [START] + [act(f"go {i}", f"Room {i}", 2) for i in range(6)]
    end = episode_end(steps, SETTINGS)
    feedback = game_feedback(steps, end)
    assert end.reason == "step_cap"
    assert feedback["success"] is False and feedback["score"] < 1.0
    assert "step cap 6 reached without winning" in feedback["text"] and "score 2/2 after 6 steps" in feedback["text"]
