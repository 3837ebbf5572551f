"""Live games kept between the steps of the actor subgraph, and brought back by replay when lost.

A running game cannot go into a checkpoint. Each graph step therefore checks a session out of the
pool by its episode's key, and :func:`restore` compares the commands the session has played with
those in the checkpointed trajectory: when they differ (a resumed run, another process, a retried
step) the game is reset and the trajectory's commands are replayed. TextWorld games are
deterministic, so the replay restores the exact state; it is checked against the recorded
observations all the same.

A checked-out session belongs to one caller until it is checked back in, so two runs can never
drive the same game at once; the pool closes the least recently used sessions beyond its size.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from pathlib import Path
from typing import Final

from reflexion.domains.textworld import trajectory as tr
from reflexion.domains.textworld.session import GameSession
from reflexion.errors import TaskError

POOL_SIZE: Final = 8


class SessionPool:
    def __init__(self, size: int = POOL_SIZE) -> None:
        self.size = size
        self._sessions: OrderedDict[Hashable, GameSession] = OrderedDict()
        self._lock = threading.Lock()

    def check_out(self, key: Hashable, path: Path) -> GameSession:
        """The episode's session, or a new one on ``path`` (not yet reset) when there is none."""
        with self._lock:
            session = self._sessions.pop(key, None)
        if session is not None and session.path != str(path):
            session.close()
            session = None
        return session if session is not None else GameSession(path)

    def check_in(self, key: Hashable, session: GameSession) -> None:
        with self._lock:
            self._sessions[key] = session
            evicted = [self._sessions.popitem(last=False)[1] for _ in range(max(0, len(self._sessions) - self.size))]
        for old in evicted:
            old.close()

    def discard(self, key: Hashable) -> None:
        """Close the episode's session, if the pool holds it (the episode is over)."""
        with self._lock:
            session = self._sessions.pop(key, None)
        if session is not None:
            session.close()

    def __len__(self) -> int:
        return len(self._sessions)


def restore(session: GameSession, trajectory: list[tr.TrajectoryStep]) -> int:
    """Bring ``session`` to the end of ``trajectory``; returns how many commands were replayed (0 when
    the session was already there)."""
    wanted = tr.actions(trajectory)
    if session.started and session.commands == wanted:
        return 0
    turns = session.replay(wanted)
    recorded = [step for step in trajectory if step.get("kind") == "act"]
    for number, (step, turn) in enumerate(zip(recorded, turns, strict=True), start=1):
        if turn.observation != step["observation"] or turn.status != step["status"]:
            raise TaskError(
                f"the game {session.path} replayed differently from the checkpoint at action {number} "
                f"('{step['action']}'); was the game file rebuilt by another TextWorld? Start a new run."
            )
    return len(wanted)
