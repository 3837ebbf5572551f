"""Reading the ReAct actor's reply: one thought and one action, tolerant of how small models write them.

Accepted, among others: ``Thought: ...`` / ``Action: search[X]``, ``Action 3: Search [X]``,
``**Action:** lookup(X)``, ``finish: X``, a missing closing bracket, and a reply with no ``Action:``
label that still contains ``search[X]``. Anything the model writes after its first ``Observation``
line is its own invention and is dropped. These functions never raise: a reply that names no usable
action gives a :class:`ParsedReply` with an ``error`` the actor is shown as its observation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

Tool = Literal["search", "lookup", "finish"]
TOOLS: Final[tuple[Tool, ...]] = ("search", "lookup", "finish")
USAGE: Final = "Use exactly one of search[entity], lookup[keyword] or finish[answer]."

_OBSERVATION_LINE = re.compile(r"^[\s*#>_-]*observation\b", re.IGNORECASE | re.MULTILINE)
_ACTION_LABEL = r"action\s*\d*\s*[*_]*\s*[:=]\s*[*_]*(?P<rest>.*)$"
_ACTION_LINE = re.compile(r"^[\s*#>_-]*" + _ACTION_LABEL, re.IGNORECASE | re.MULTILINE)
_ACTION_INLINE = re.compile(r"(?<![A-Za-z])" + _ACTION_LABEL, re.IGNORECASE | re.MULTILINE)
_THOUGHT_LABEL = re.compile(r"^[\s*#>_-]*thought\s*\d*\s*[*_]*\s*[:=]\s*[*_]*", re.IGNORECASE)
_BARE_CALL = re.compile(r"\b(?:search|lookup|finish)\s*[\[(]", re.IGNORECASE)
_TOOL_WORD = re.compile(r"(?P<tool>[A-Za-z_]+)(?P<rest>.*)$", re.DOTALL)
_CLOSING = {"[": "]", "(": ")", "{": "}"}
_QUOTES = "\"'`“”‘’*_ "


@dataclass(frozen=True)
class Action:
    tool: Tool
    argument: str

    def __str__(self) -> str:
        return f"{self.tool}[{self.argument}]"


@dataclass(frozen=True)
class ParsedReply:
    thought: str
    action: Action | None
    written: str  # the action as the model wrote it, for the trajectory when it is unusable
    error: str | None = None  # why there is no action


def parse_reply(reply: str) -> ParsedReply:
    """The first thought and action of a reply."""
    text = reply or ""
    observation = _OBSERVATION_LINE.search(text)
    if observation:
        text = text[: observation.start()]
    line = _ACTION_LINE.search(text) or _ACTION_INLINE.search(text)
    if line:
        before, written = text[: line.start()], line.group("rest").strip()
        if not written:  # "Action:" alone on its line, the call on the next one
            written = next((rest.strip() for rest in text[line.end() :].splitlines() if rest.strip()), "")
    else:
        call = _BARE_CALL.search(text)
        if call is None:
            error = "no action found in your reply" if text.strip() else "your reply was empty"
            return ParsedReply(thought=_thought(text), action=None, written="", error=error)
        before, written = text[: call.start()], text[call.start() :].splitlines()[0].strip()
    action = parse_action(written)
    if isinstance(action, str) and (call := _BARE_CALL.search(written)):  # "Action: I will search[X]"
        action = parse_action(written[call.start() :])
    if isinstance(action, str):
        return ParsedReply(thought=_thought(before), action=None, written=written, error=action)
    return ParsedReply(thought=_thought(before), action=action, written=written)


def parse_action(text: str) -> Action | str:
    """``tool[argument]`` (or a near miss) as an :class:`Action`; otherwise the reason it is unusable."""
    text = (text or "").strip().lstrip("0123456789.) ").strip(_QUOTES)
    match = _TOOL_WORD.match(text)
    if match is None:
        shown = text[:60] or "nothing"
        return f"could not read an action from {shown!r}"
    word, rest = match.group("tool"), match.group("rest")
    tool = word.lower()
    if tool not in TOOLS:
        return f"unknown action {word[:30]!r}"
    argument = _argument(rest)
    if not argument:
        what = {"search": "an entity", "lookup": "a keyword", "finish": "an answer"}[tool]
        return f"{tool}[...] needs {what} inside the brackets"
    return Action(tool, argument)  # type: ignore[arg-type]  # tool is one of TOOLS, checked above


def _argument(rest: str) -> str:
    """What follows the tool name: ``[x]``, ``(x)``, ``: x`` or `` x``, with a closing bracket optional."""
    rest = rest.strip().splitlines()[0].strip() if rest.strip() else ""
    if rest[:1] in _CLOSING:
        opening, closing = rest[0], _CLOSING[rest[0]]
        depth = 0
        for index, char in enumerate(rest):
            depth += (char == opening) - (char == closing)
            if depth == 0:
                rest = rest[1:index]
                break
        else:  # no matching bracket: the model forgot to close it
            rest = rest[1:].rstrip(closing)
    else:
        rest = rest.lstrip(":=-").strip().rstrip(".")  # "finish: Paris." ends a sentence, not the answer
    return rest.strip().strip(_QUOTES).strip()


def _thought(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if lines:
        lines[0] = _THOUGHT_LABEL.sub("", lines[0], count=1)
    return " ".join(line for line in lines if line).strip()
