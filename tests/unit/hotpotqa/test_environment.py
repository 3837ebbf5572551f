"""The offline search / lookup tools over a question's paragraphs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reflexion.domains.hotpotqa.environment import lookup, new_cursor, search
from reflexion.domains.hotpotqa.tasks import paragraphs
from reflexion.state import Task

from .helpers import ROW


@pytest.mark.parametrize("query", ["Mara Quinn", "mara quinn", "Mara Quinn.", '"Mara Quinn"', "Mara Quin"])
def test_search_finds_the_paragraph_by_title_ignoring_case_punctuation_and_typos(task: Task, query: str) -> None:
    observation, cursor = search(paragraphs(task), query, new_cursor())
    assert observation.startswith("Mara Quinn (born 1961) is an English music producer.")
    assert cursor == {"paragraph": "Mara Quinn", "keyword": None, "seen": 0}


def test_search_prefers_the_exact_title_to_a_disambiguated_one_and_accepts_either(task: Task) -> None:
    assert search(paragraphs(task), "Mara Quinn (painter)", new_cursor())[0].startswith("Mara Quinn (1890-1950)")
    assert search(paragraphs(task), "the folk music", new_cursor())[1]["paragraph"] == "Folk music"


def test_a_missed_search_lists_similar_titles_and_keeps_the_cursor(task: Task) -> None:
    cursor = search(paragraphs(task), "Leeds", new_cursor())[1]
    observation, after = search(paragraphs(task), "record label founder", cursor)
    assert observation.startswith("Could not find [record label founder]. Similar: ['Brightwater Records', 'Mara Quinn'")
    assert after == cursor


def test_lookup_walks_through_the_matching_sentences_of_the_last_paragraph_found(task: Task) -> None:
    ps = paragraphs(task)
    cursor = search(ps, "Brightwater Records", new_cursor())[1]
    first, cursor = lookup(ps, "the", cursor)
    second, cursor = lookup(ps, "THE", cursor)
    assert first == "(Result 1 / 2) It was founded in 1994 by the producer Mara Quinn."
    assert second == "(Result 2 / 2) The label is known for folk music."
    assert lookup(ps, "the", cursor)[0] == "No more results for 'the' in [Brightwater Records]."
    assert (
        lookup(ps, "1994", cursor)[0] == "(Result 1 / 1) It was founded in 1994 by the producer Mara Quinn."
    )  # new keyword: start over
    assert lookup(ps, "jazz", cursor)[0] == "No sentence in [Brightwater Records] contains 'jazz'."


def test_lookup_before_any_search_asks_for_a_search(task: Task) -> None:
    observation, cursor = lookup(paragraphs(task), "1994", new_cursor())
    assert "search[entity] for one first" in observation and cursor == new_cursor()


def test_a_new_search_resets_the_lookup(task: Task) -> None:
    ps = paragraphs(task)
    cursor = lookup(ps, "1994", search(ps, "Brightwater Records", new_cursor())[1])[1]
    cursor = search(ps, "Mara Quinn", cursor)[1]
    assert lookup(ps, "1994", cursor)[0] == "(Result 1 / 1) In 1994 Quinn founded a record label in Leeds."


@given(st.text(max_size=60), st.text(max_size=20))
def test_the_tools_never_raise(query: str, keyword: str) -> None:
    ps = [{"title": c["title"], "sentences": c["sentences"]} for c in ROW["context"]]
    observation, cursor = search(ps, query, new_cursor())  # type: ignore[arg-type]
    assert observation
    assert lookup(ps, keyword, cursor)[0]  # type: ignore[arg-type]
