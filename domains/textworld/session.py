"""A live game: TextWorld's environment behind a small interface that speaks plain text.

Observations are cleaned of the interpreter's prompt and status line. Interpreter meta-commands
(``quit``, ``restart``, ``save``, ...) are refused before they reach the game: they open yes/no
questions that would derail the episode and make it impossible to replay. Any other command goes to
the game, whose parser answers unknown ones itself ("That's not a verb I recognise.").
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

import textworld

Status = Literal["playing", "won", "lost"]

META_COMMANDS: Final = frozenset(
    {"quit", "q", "restart", "restore", "save", "undo", "script", "unscript", "transcript", "noscript"}
)
_INFOS: Final = textworld.EnvInfos(
    admissible_commands=True, won=True, lost=True, score=True, max_score=True, description=True, objective=True,
    extras=["walkthrough"],
)
_STATUS_LINE = re.compile(r">?[ \t]*-= [^\n]*? =-[ \t]*-?\d+/\d+\s*$")  # ">   -= Kitchen =-3/7" at the end
_AFTER_THE_END = re.compile(r"Would you like to RESTART.*$", re.DOTALL)


@dataclass(frozen=True)
class Opening:
    observation: str  # the objective and the first room
    max_score: int


@dataclass(frozen=True)
class Turn:
    observation: str
    score: int
    status: Status


class GameSession:
    """One game file, played one command at a time; ``commands`` are those played since the reset."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        with warnings.catch_warnings():
            # Jericho does not know TextWorld's games; TextWorld tracks score and status itself.
            warnings.filterwarnings("ignore", message=".*is not fully supported")
            self._env = textworld.start(self.path, request_infos=_INFOS)
        self._state: Any = None  # textworld's GameState (untyped); None until reset()
        self.opening: Opening | None = None  # set by reset()
        self.commands: list[str] = []

    @property
    def started(self) -> bool:
        return self._state is not None

    def reset(self) -> Opening:
        self._state = self._env.reset()
        self.commands = []
        text = "\n\n".join(part for part in (self._state.objective or "", self._state.description or "") if part.strip())
        self.opening = Opening(clean_observation(text), int(self._state.max_score or 0))
        return self.opening

    def step(self, command: str) -> Turn:
        self._require_state()
        self.commands.append(command)
        if self.status != "playing":
            return Turn("The game is over.", self.score, self.status)
        if command.lower().split()[:1] and command.lower().split()[0] in META_COMMANDS:
            return Turn(f"'{command}' is an interpreter command, not an action in the game; it is not allowed here.", self.score, "playing")
        self._state, _, _ = self._env.step(command)
        return Turn(clean_observation(self._state.feedback or ""), self.score, self.status)

    def replay(self, commands: list[str]) -> list[Turn]:
        """Reset, then play ``commands``: games are deterministic, so this restores the same state."""
        self.reset()
        return [self.step(command) for command in commands]

    @property
    def status(self) -> Status:
        state = self._require_state()
        return "won" if state.won else "lost" if state.lost else "playing"

    @property
    def score(self) -> int:
        return int(self._require_state().score or 0)

    @property
    def admissible_commands(self) -> list[str]:
        return list(self._require_state().admissible_commands or [])

    @property
    def walkthrough(self) -> list[str]:
        """The game's own winning commands (for tests and checks; never shown to the actor)."""
        return list(self._require_state().get("extra.walkthrough") or [])

    def close(self) -> None:
        self._env.close()

    def __enter__(self) -> GameSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _require_state(self):
        if self._state is None:
            raise RuntimeError("the game has not been reset yet")
        return self._state


def clean_observation(text: str) -> str:
    """The game's text without the prompt, the status line, the end-of-game menu and blank lines."""
    text = _AFTER_THE_END.sub("", text)
    text = _STATUS_LINE.sub("", text.rstrip())
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line and line != ">")
