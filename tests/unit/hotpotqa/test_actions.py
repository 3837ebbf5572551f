"""The ReAct reply parser: the forms small models write, unusable replies, and properties on any text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reflexion.domains.hotpotqa.actions import TOOLS, Action, ParsedReply, parse_action, parse_reply


@pytest.mark.parametrize(
    ("reply", "thought", "action"),
    [
        ("Thought: I need X.\nAction: search[X]", "I need X.", Action("search", "X")),
        ("Thought 2: hmm\nAction 2: Search [Foo Bar", "hmm", Action("search", "Foo Bar")),  # no closing bracket
        ('**Thought:** a\n**Action:** lookup("year")', "a", Action("lookup", "year")),
        ("__Action:__ finish: Paris.", "", Action("finish", "Paris")),
        ("ACTION : FINISH [ 1961 ]", "", Action("finish", "1961")),
        ("Thought: x Action: finish[yes]", "x", Action("finish", "yes")),  # all on one line
        ("Action:\n  finish[1988]", "", Action("finish", "1988")),  # the call on the next line
        ("Action 1: I will search[VIVA Media] now", "", Action("search", "VIVA Media")),
        ("I think search[Paris] is next", "I think", Action("search", "Paris")),  # no Action label at all
        ("Action: search[Viva (UK and Ireland)]", "", Action("search", "Viva (UK and Ireland)")),
        ("Action: search[a [b] c] and lookup[x]", "", Action("search", "a [b] c")),
        ("Action: `finish[Mara Quinn]`", "", Action("finish", "Mara Quinn")),
    ],
)
def test_reads_the_forms_models_write(reply: str, thought: str, action: Action) -> None:
    parsed = parse_reply(reply)
    assert (parsed.thought, parsed.action, parsed.error) == (thought, action, None)


def test_only_the_first_step_counts_and_invented_observations_are_dropped() -> None:
    reply = "Thought: first\nAction: search[A]\nObservation: made up\nThought: second\nAction: finish[B]"
    assert parse_reply(reply) == ParsedReply(thought="first", action=Action("search", "A"), written="search[A]")


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        ("", "your reply was empty"),
        ("   \n ", "your reply was empty"),
        ("I am not sure what to do.", "no action found"),
        ("Action: fly[away]", "unknown action 'fly'"),
        ("Action: finish[]", "finish[...] needs an answer"),
        ("Action: search[ ]", "search[...] needs an entity"),
        ("Action: lookup", "lookup[...] needs a keyword"),
        ("Action: ???", "could not read an action"),
    ],
)
def test_unusable_replies_give_an_error_not_an_exception(reply: str, error: str) -> None:
    parsed = parse_reply(reply)
    assert parsed.action is None
    assert parsed.error is not None and error in parsed.error


@given(st.text())
def test_never_raises_on_any_text(text: str) -> None:
    parsed = parse_reply(text)
    assert (parsed.action is None) == (parsed.error is not None)
    if parsed.action is not None:
        assert parsed.action.tool in TOOLS
        assert parsed.action.argument and parsed.action.argument == parsed.action.argument.strip()
        assert "\n" not in parsed.action.argument
    assert isinstance(parse_action(text), Action | str)


_ARGUMENT = (
    st.text(st.characters(categories=["L", "N"], include_characters=" ,.-'"), min_size=1, max_size=30)
    .map(str.strip)
    .filter(lambda s: s and s[0].isalnum() and s[-1].isalnum())
)


@given(st.sampled_from(TOOLS), _ARGUMENT, st.sampled_from(["Action: ", "Action 3: ", "action:", "**Action:** "]))
def test_a_well_formed_action_round_trips(tool: str, argument: str, label: str) -> None:
    action = Action(tool, argument)  # type: ignore[arg-type]
    assert parse_reply(f"Thought: go.\n{label}{action}").action == action
    assert parse_action(str(action)) == action


@given(st.text(), st.sampled_from(TOOLS), _ARGUMENT)
def test_text_after_an_observation_line_never_changes_the_action(noise: str, tool: str, argument: str) -> None:
    head = f"Thought: t\nAction: {tool}[{argument}]\n"
    assert parse_reply(head + "Observation: " + noise).action == parse_reply(head).action
