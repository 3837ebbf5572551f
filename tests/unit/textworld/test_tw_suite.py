"""The built-in suite: every game builds, and its walkthrough wins within the default step cap."""

from __future__ import annotations

import pytest

from reflexion.domains.textworld import TextWorldDomain
from reflexion.domains.textworld.games import game_file
from reflexion.domains.textworld.session import GameSession
from reflexion.domains.textworld.tasks import play_settings, recipe_of


@pytest.mark.slow
def test_every_suite_game_is_winnable_within_its_step_cap() -> None:
    for task in TextWorldDomain().load_tasks():
        with GameSession(game_file(recipe_of(task))) as session:
            opening = session.reset()
            walkthrough = session.walkthrough
            assert opening.observation and opening.max_score >= 1, task["id"]
            assert 0 < len(walkthrough) < play_settings(task).max_steps, task["id"]
            assert session.replay(walkthrough)[-1].status == "won", task["id"]
