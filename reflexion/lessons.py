"""What makes a reflector's reply a usable lesson: whole sentences, each said once, no dangling
intro, none of the prompt's own words echoed back, and something other than a lesson already in memory.

A small reflector at temperature 0, shown its last lesson, tends to write it again (often word for
word, sometimes with the prompt's closing instruction pasted after it). A lesson already in memory
cannot change the next attempt; :func:`repeated_lesson` finds it so the reflect node can ask again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_SENTENCE_END = re.compile(r"[.!?](?=[\s\"')\]]|$)")
_MIN_ECHO_CHARS = 30  # shorter lines ("Tests failed:") may well be the model's own words


def whole_sentences(text: str) -> str:
    """A reflection the token limit cut off, without its unfinished last sentence (and never a
    half-open code fence): the actor should read a lesson, not a fragment."""
    text = text.strip()
    if text.count("```") % 2:
        text = text[: text.rfind("```")].rstrip()
    ends = [match.end() for match in _SENTENCE_END.finditer(text)]
    return text[: ends[-1]] if ends else text


def without_dangling_intro(text: str) -> str:
    """The reflection without a last line that introduces what was cut off ("Here is the fix:")."""
    text = text.strip()
    while text.endswith(":"):
        text = text[: max(text.rfind("\n"), 0)].rstrip()
    return text


def without_prompt_echo(text: str, instructions: Sequence[str]) -> str:
    """The reply without the lines it copied from its prompt's own wording (``instructions``: the
    prompt templates' fixed text, e.g. the closing "In a few sentences, say why..."). A line of at
    least 30 characters found word for word there is not the model's lesson. Lines that quote the
    task, the attempt or the feedback stay: those may be the point of the lesson."""
    fixed = [_normal(part) for template in instructions for part in re.split(r"\$\{?\w+\}?", template)]
    kept = [
        line
        for line in text.splitlines()
        if len(line.strip()) < _MIN_ECHO_CHARS or not any(_normal(line) in part for part in fixed)
    ]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def without_repeated_sentences(text: str) -> str:
    """The reply with each sentence kept once: a small model at temperature 0 can fall into saying one
    sentence over and over until the token limit ("The failure is a result of ... The failure is a
    result of ..."); the repeats say nothing the first one did not. Short sentences (under 30
    characters, "For example:") and line breaks are left as they are."""
    seen: set[str] = set()
    out: list[str] = []
    start, after_break = 0, False
    for match in [*_SENTENCE_END.finditer(text), None]:
        end = match.end() if match else len(text)
        sentence, start = text[start:end], end
        if after_break:  # the sentence after a dropped one that began a paragraph begins it now
            sentence, after_break = sentence.lstrip(" \t"), False
        key = _normal(sentence)
        if len(key) >= _MIN_ECHO_CHARS and key in seen:
            lead = sentence[: len(sentence) - len(sentence.lstrip())]
            after_break = "\n" in lead
            out.append(lead if after_break else "")  # keep the paragraph break, drop the repeat
        else:
            seen.add(key)
            out.append(sentence)
    return re.sub(r"\n{3,}", "\n\n", "".join(out)).strip()


def repeated_lesson(text: str, earlier: Sequence[str]) -> int | None:
    """The 1-based index of the earlier lesson that ``text`` repeats (the same words, give or take
    spacing and case), or None. A reply that only adds to an earlier lesson is new."""
    mine = _normal(text)
    for index, lesson in enumerate(earlier, start=1):
        if mine and mine == _normal(lesson):
            return index
    return None


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()
