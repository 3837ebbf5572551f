"""Real generated games: the cache, deterministic builds, the live session, replay, final scoring."""

from __future__ import annotations

from pathlib import Path

import pytest

from reflexion.domains.textworld import TextWorldDomain, games
from reflexion.domains.textworld.pool import SessionPool, restore
from reflexion.domains.textworld.recipes import GameRecipe
from reflexion.domains.textworld.session import GameSession, clean_observation
from reflexion.errors import TaskError


def test_a_cached_game_is_not_built_again(small_game, monkeypatch) -> None:
    def no_build(*args: object) -> None:
        raise AssertionError("the game should come from the cache")

    monkeypatch.setattr(games, "build", no_build)
    recipe = GameRecipe.checked("tw-treasure_hunter", 2, {"level": 5}, "test")
    assert games.game_file(recipe) == small_game.path
    assert not list(small_game.path.parent.parent.glob(".build-*"))  # no scratch folder left behind


@pytest.mark.slow
def test_a_recipe_builds_the_same_game_in_every_process(tmp_path: Path, monkeypatch) -> None:
    # The cooking generator's output follows set order, which the hash seed changes: the builder fixes it.
    recipe = GameRecipe.checked("tw-cooking", 4, {"recipe": 2, "take": 1, "open": True, "cook": True, "cut": True}, "test")
    built = []
    for hash_seed in ("1", "2"):
        monkeypatch.setenv("PYTHONHASHSEED", hash_seed)
        monkeypatch.setenv(games.ENV_CACHE, str(tmp_path / hash_seed))
        folder = games.game_file(recipe).parent
        built.append({name: (folder / name).read_bytes() for name in ("game.ni", "game.json")})
    assert built[0] == built[1]


def test_a_recipe_the_generator_rejects_is_a_task_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(games.ENV_CACHE, str(tmp_path))
    unchecked = GameRecipe("tw-treasure_hunter", 1, {"level": 99})  # bypasses the parser's checks
    with pytest.raises(TaskError, match=r"could not build TextWorld game tw-treasure_hunter .*Expected level to be within \[1-30\]"):
        games.game_file(unchecked)
    assert list(tmp_path.iterdir()) == []  # nothing half-built stays in the cache


def test_the_session_speaks_plain_text_and_reports_the_game_status(small_game) -> None:
    with GameSession(small_game.path) as session:
        opening = session.reset()
        assert opening.max_score == 1 and "-= Kitchen =-" in opening.observation
        assert "you win" in opening.observation.lower()  # the objective comes first
        turn = session.step("xyzzy")
        assert turn.observation == "That's not a verb I recognise." and turn.status == "playing"
        refused = session.step("restart")
        assert "not allowed" in refused.observation
        *_, last = session.replay(small_game.walkthrough)
        assert last.status == "won" and last.score == 1
        assert "*** The End ***" in last.observation and "RESTART" not in last.observation
        assert session.step("look").observation == "The game is over."


def test_taking_the_wrong_object_loses_the_game(small_game) -> None:
    with GameSession(small_game.path) as session:
        session.reset()
        *_, last = session.replay(["go east", "go south", "take gummy bear"])
        assert last.status == "lost" and "*** You lost! ***" in last.observation


def test_clean_observation_drops_prompt_status_line_and_end_menu() -> None:
    raw = "\nYou open it.\n\n\nYour score has just gone up by one point.\n\n>          -= Bedroom =-1/4"
    assert clean_observation(raw) == "You open it.\nYour score has just gone up by one point."
    end = "\n  *** The End ***  \n\nYou scored 8 out of a possible 8, in 10 turns.\n\n\nWould you like to RESTART, RESTORE a saved game, QUIT or UNDO the last command?\n>      -= Kitchen =-7/9"
    assert clean_observation(end) == "*** The End ***\nYou scored 8 out of a possible 8, in 10 turns."


def trajectory_of(session: GameSession, commands: list[str]) -> list[dict]:
    steps = [{"kind": "start", "observation": session.reset().observation, "score": 0, "max_score": 1, "status": "playing"}]
    for command in commands:
        turn = session.step(command)
        steps.append({"kind": "act", "action": command, "observation": turn.observation, "score": turn.score, "status": turn.status})
    return steps


def test_restore_replays_a_fresh_session_to_the_recorded_point(small_game) -> None:
    with GameSession(small_game.path) as recorder:
        recorded = trajectory_of(recorder, small_game.walkthrough[:2])
    with GameSession(small_game.path) as fresh:
        assert restore(fresh, recorded) == 2
        assert fresh.step(small_game.walkthrough[2]).status == "won"  # the state really was restored
        assert restore(fresh, recorded) == 2  # one command ahead of the trajectory: replayed again
        assert restore(fresh, recorded) == 0  # in step: nothing to do


def test_restore_refuses_a_game_that_replays_differently(small_game) -> None:
    with GameSession(small_game.path) as session:
        recorded = trajectory_of(session, ["go east"])
    recorded[1]["observation"] = "-= Somewhere else =-"
    with GameSession(small_game.path) as fresh, pytest.raises(TaskError, match="replayed differently .* at action 1 \\('go east'\\)"):
        restore(fresh, recorded)


def test_the_pool_lends_each_session_to_one_caller_and_closes_the_oldest(small_game) -> None:
    pool = SessionPool(size=1)
    first = pool.check_out("a", small_game.path)
    assert pool.check_out("a", small_game.path) is not first  # checked out: a second caller gets its own
    pool.check_in("a", first)
    assert pool.check_out("a", small_game.path) is first
    pool.check_in("a", first)
    pool.check_in("b", GameSession(small_game.path))  # over the size: "a" is closed and dropped
    assert len(pool) == 1 and pool.check_out("a", small_game.path) is not first
    pool.discard("b")
    assert len(pool) == 0


def test_score_replays_the_final_actions_in_a_fresh_game(small_game) -> None:
    domain = TextWorldDomain()
    (task,) = domain.load_tasks(str(small_game.task_file))
    won = domain.score(task, "\n".join(small_game.walkthrough))
    assert won == {"won": True, "lost": False, "score": 1, "max_score": 1, "actions": 3}
    assert domain.score(task, "look\nlook")["won"] is False
    assert domain.score(task, "")["actions"] == 0
