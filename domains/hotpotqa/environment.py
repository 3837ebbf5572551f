"""The ReAct actor's tools, offline: search and look up within the question's own paragraphs.

A stand-in for the paper's Wikipedia tools. ``search[entity]`` shows the first sentences of the
paragraph whose title best matches, or lists similar titles when none matches well enough;
``lookup[keyword]`` shows, one call at a time, the sentences of the last paragraph found that contain
the keyword (a new keyword or a new search starts over). The cursor that ``lookup`` advances is a plain
dict, so it can live in checkpointed graph state.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Final, TypedDict

from reflexion.answers import normalize_answer
from reflexion.domains.hotpotqa.tasks import Paragraph, paragraph_text

SEARCH_SENTENCES: Final = 5  # how much of a paragraph a search shows, like the paper's page summary
SIMILAR_TITLES: Final = 5
TITLE_MATCH: Final = 0.8  # SequenceMatcher ratio from which a title counts as the one searched for
_DISAMBIGUATION = re.compile(r"\s*\([^)]*\)\s*$")  # "Viva (UK and Ireland)" -> "Viva"


class Cursor(TypedDict):
    paragraph: str | None  # title of the last paragraph a search found
    keyword: str | None  # the keyword being looked up in it
    seen: int  # how many of the keyword's sentences have been shown


def new_cursor() -> Cursor:
    return {"paragraph": None, "keyword": None, "seen": 0}


def search(paragraphs: list[Paragraph], query: str, cursor: Cursor) -> tuple[str, Cursor]:
    """The observation for ``search[query]`` and the cursor after it."""
    found = best_title_match(paragraphs, query)
    if found is None:
        similar = similar_titles(paragraphs, query)
        return f"Could not find [{query}]. Similar: {similar}.", cursor
    sentences = [s.strip() for s in found["sentences"] if s.strip()][:SEARCH_SENTENCES]
    return " ".join(sentences) or f"[{found['title']}] is empty.", {"paragraph": found["title"], "keyword": None, "seen": 0}


def lookup(paragraphs: list[Paragraph], keyword: str, cursor: Cursor) -> tuple[str, Cursor]:
    """The observation for ``lookup[keyword]`` and the cursor after it."""
    paragraph = next((p for p in paragraphs if p["title"] == cursor["paragraph"]), None)
    if paragraph is None:
        return "There is no paragraph to look in yet: search[entity] for one first.", cursor
    hits = [s.strip() for s in paragraph["sentences"] if keyword.lower() in s.lower()]
    seen = cursor["seen"] if (cursor["keyword"] or "").lower() == keyword.lower() else 0
    if not hits:
        return f"No sentence in [{paragraph['title']}] contains '{keyword}'.", {**cursor, "keyword": keyword, "seen": 0}
    if seen >= len(hits):
        return f"No more results for '{keyword}' in [{paragraph['title']}].", {**cursor, "keyword": keyword, "seen": seen}
    return f"(Result {seen + 1} / {len(hits)}) {hits[seen]}", {**cursor, "keyword": keyword, "seen": seen + 1}


def best_title_match(paragraphs: list[Paragraph], query: str) -> Paragraph | None:
    """The paragraph whose title is the query (ignoring case, punctuation, articles, a trailing
    disambiguation such as "(film)"), or failing that the closest title above :data:`TITLE_MATCH`."""
    wanted = normalize_answer(query)
    if not wanted:
        return None
    for title_of in (lambda p: p["title"], lambda p: _DISAMBIGUATION.sub("", p["title"])):  # exact titles first
        for paragraph in paragraphs:
            if normalize_answer(title_of(paragraph)) == wanted:
                return paragraph
    score, best = max(((_title_similarity(wanted, p["title"]), i) for i, p in enumerate(paragraphs)), default=(0.0, -1))
    return paragraphs[best] if score >= TITLE_MATCH else None


def similar_titles(paragraphs: list[Paragraph], query: str) -> list[str]:
    """Titles to suggest when a search misses, best first: close titles, then paragraphs sharing words."""
    wanted = normalize_answer(query)
    words = set(wanted.split())

    def relevance(paragraph: Paragraph) -> float:
        text_words = set(normalize_answer(paragraph["title"] + " " + paragraph_text(paragraph)).split())
        overlap = len(words & text_words) / len(words) if words else 0.0
        return max(_title_similarity(wanted, paragraph["title"]), overlap)

    ranked = sorted(paragraphs, key=relevance, reverse=True)
    return [p["title"] for p in ranked[:SIMILAR_TITLES]]


def _title_similarity(wanted: str, title: str) -> float:
    return SequenceMatcher(None, wanted, normalize_answer(title)).ratio()
