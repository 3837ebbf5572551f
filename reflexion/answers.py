"""Answer normalisation and exact match, as in HotPotQA/SQuAD evaluation."""

from __future__ import annotations

import re
import string

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_ANSWER_LINE = re.compile(r"\b(?:final\s+)?answer\s*[:=]\s*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)


def normalize_answer(text: str) -> str:
    """Lower case, no punctuation, no articles, single spaces."""
    text = text.lower()
    text = "".join(ch for ch in text if ch not in set(string.punctuation))
    text = _ARTICLES.sub(" ", text)
    return " ".join(text.split())


def exact_match(prediction: str, label: str) -> bool:
    return normalize_answer(prediction) == normalize_answer(label)


def extract_answer(reply: str) -> str | None:
    """What follows the last ``Answer:`` in a reply (to the end of its line), or ``None``."""
    found = _ANSWER_LINE.findall(reply or "")
    return found[-1].strip() if found else None
