"""Reads the actor's reply: an optional ``think: ...`` line and one ``> command`` line.

Tolerated: ``Thought:``/``Action:``/``Command:`` labels, markdown emphasis and code fences, ALFWorld's
``> think: ...``, a preamble before the command, a made-up continuation of the transcript after it
(ignored: only the first command counts), and an unlabelled command: the only unlabelled line of a reply
without a thought, or a short one that is not a sentence after a thought. A thought
without a command is a thinking step. Anything else is an invalid reply whose ``error`` tells the
actor what to write instead; this module never raises on model output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

MAX_COMMAND_CHARS: Final = 120
MAX_BARE_COMMAND_WORDS: Final = 8
FORMAT_HINT: Final = "Reply with an optional line 'think: <your reasoning>' and then one line '> <command>'."

_FENCE = re.compile(r"^\s*(```|~~~)")
_EMPHASIS = "*_`"
_THOUGHT = re.compile(r"^(?:think|thought|thinking|reasoning)\s*[*_]*\s*:\s*(.*)$", re.IGNORECASE)
_COMMAND = re.compile(r"^(?:>|(?:action|act|command)\s*[*_]*\s*:)\s*(.*)$", re.IGNORECASE)
_STRIP_AROUND = " \t\"'`*_.!"


@dataclass(frozen=True)
class ParsedReply:
    thought: str | None = None
    command: str | None = None
    error: str | None = None  # set exactly when there is neither a thought nor a command


def parse_reply(reply: str) -> ParsedReply:
    thoughts: list[str] = []
    loose: list[str] = []  # unlabelled lines before the command
    command: str | None = None
    for line in _lines(reply):
        if (found := _COMMAND.match(line)) is not None:
            content = found.group(1).strip()
            if (said := _THOUGHT.match(content.lstrip(_EMPHASIS))) is not None:  # ALFWorld's "> think: ..."
                thoughts.append(said.group(1).lstrip(_EMPHASIS))
                continue
            if content.strip(_STRIP_AROUND):
                command = content
                break  # whatever follows is the model playing the game on its own: ignore it
        elif (said := _THOUGHT.match(line)) is not None:
            thoughts.append(said.group(1).lstrip(_EMPHASIS))
        else:
            loose.append(line)

    if command is None and len(loose) == 1 and (not thoughts or _looks_like_command(loose[0])):
        command, loose = loose[0], []  # a bare command, alone or after a thought
    if thoughts:
        thoughts += loose  # unlabelled lines around a thought continue it
    thought = " ".join(" ".join(thoughts).split()) or None

    if command is not None:
        cleaned = clean_command(command)
        if not cleaned:
            return ParsedReply(thought, None, f"The command was empty. {FORMAT_HINT}")
        if len(cleaned) > MAX_COMMAND_CHARS:
            return ParsedReply(thought, None, f"The command was longer than {MAX_COMMAND_CHARS} characters. {FORMAT_HINT}")
        return ParsedReply(thought, cleaned)
    if thought:
        return ParsedReply(thought)
    if not loose:
        return ParsedReply(error=f"The reply was empty. {FORMAT_HINT}")
    return ParsedReply(error=f"No command found in the reply. {FORMAT_HINT}")


def clean_command(command: str) -> str:
    """Lower case, single spaces, no double quotes or backticks, no emphasis or full stop around it."""
    return " ".join(command.replace('"', " ").replace("`", " ").strip(_STRIP_AROUND).lower().split())


def _looks_like_command(line: str) -> bool:
    """Short and not a sentence: after a thought, such a line is the command rather than more thought."""
    return len(line.split()) <= MAX_BARE_COMMAND_WORDS and not line.endswith((".", "?", "!", ":"))


def _lines(reply: str) -> list[str]:
    """Non-empty lines without code fences and without emphasis around a leading label."""
    lines = []
    for raw in (reply or "").splitlines():
        if _FENCE.match(raw):
            continue
        line = raw.strip()
        if line.startswith(("**", "__")):  # "**Action:** go north" -> "Action: go north"
            line = line.lstrip("*_").strip()
        if line:
            lines.append(line)
    return lines
