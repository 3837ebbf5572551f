"""The actor's reply parser: the documented forms, malformed replies, and properties over any text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reflexion.domains.textworld.parser import MAX_COMMAND_CHARS, ParsedReply, parse_reply


@pytest.mark.parametrize(
    ("reply", "thought", "command"),
    [
        ("think: the key is in the trunk\n> open trunk", "the key is in the trunk", "open trunk"),
        ("> go north", None, "go north"),
        ("go north", None, "go north"),
        ("Thought: I need light.\nAction: take lamp", "I need light.", "take lamp"),
        ("**Thought:** hungry\n**Action:** eat apple", "hungry", "eat apple"),
        ("```\nthink: x\n> open door\n```", "x", "open door"),
        ("> think: the fridge first", "the fridge first", None),  # ALFWorld style thinking
        ("think: only thinking", "only thinking", None),
        ("Sure! Here is my move.\n> open trunk", None, "open trunk"),  # a preamble without a thought is dropped
        ("> go east\nYou are in the kitchen.\n> take apple", None, "go east"),  # invented continuation ignored
        ("think: the key\nunlock door with key", "the key", "unlock door with key"),  # unlabelled command after a thought
        ("> Open Trunk.", None, "open trunk"),
        ('> "take  old   key"', None, "take old key"),
        ("Command: `inventory`", None, "inventory"),
        (">\ngo west", None, "go west"),  # an empty '>' line, then a bare command
    ],
)
def test_documented_forms(reply: str, thought: str | None, command: str | None) -> None:
    parsed = parse_reply(reply)
    assert (parsed.thought, parsed.command, parsed.error) == (thought, command, None)


def test_a_sentence_after_a_thought_continues_the_thought() -> None:
    parsed = parse_reply("think: the key is somewhere.\nIt must be in the trunk.")
    assert parsed == ParsedReply(thought="the key is somewhere. It must be in the trunk.")


@pytest.mark.parametrize("reply", ["", "   \n\n", "```\n```"])
def test_an_empty_reply_is_an_error_that_says_how_to_reply(reply: str) -> None:
    parsed = parse_reply(reply)
    assert parsed.command is None and parsed.thought is None
    assert "empty" in parsed.error and "'> <command>'" in parsed.error


def test_several_unlabelled_lines_are_not_guessed_at() -> None:
    parsed = parse_reply("I am not sure what to do.\nMaybe open the door?\nOr go north.")
    assert parsed.command is None and "No command found" in parsed.error


def test_an_overlong_command_is_refused() -> None:
    parsed = parse_reply("> " + "take " * 40)
    assert parsed.command is None and str(MAX_COMMAND_CHARS) in parsed.error


def test_a_command_of_only_punctuation_is_empty() -> None:
    parsed = parse_reply("think: hmm\n> ...")
    assert parsed.thought == "hmm" and parsed.command is None  # nothing usable after '>': a thinking step


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
commands = st.lists(words, min_size=1, max_size=6).map(" ".join).filter(lambda c: not c.startswith(("think", "thought", "reasoning", "action", "act", "command")))
thoughts = st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=20), min_size=1, max_size=5).map(" ".join).filter(lambda t: t.strip()[:1].isalnum())


@given(st.text())
def test_never_raises_and_always_gives_exactly_one_outcome(reply: str) -> None:
    parsed = parse_reply(reply)
    assert (parsed.error is None) == (parsed.command is not None or parsed.thought is not None)
    if parsed.command is not None:
        assert parsed.command == parsed.command.strip() and parsed.command
        assert "\n" not in parsed.command and "\r" not in parsed.command
        assert len(parsed.command) <= MAX_COMMAND_CHARS
        assert parsed.command == parsed.command.lower()


@given(commands)
def test_a_labelled_command_round_trips(command: str) -> None:
    assert parse_reply(f"> {command}").command == command
    assert parse_reply(f"Action: {command}").command == command
    assert parse_reply(command).command == command


@given(thoughts, commands)
def test_thought_and_command_round_trip(thought: str, command: str) -> None:
    parsed = parse_reply(f"think: {thought}\n> {command}")
    assert parsed.command == command
    assert parsed.thought == " ".join(thought.split())


@given(commands, st.text())
def test_whatever_follows_the_first_command_is_ignored(command: str, rest: str) -> None:
    assert parse_reply(f"> {command}\n{rest}").command == command
