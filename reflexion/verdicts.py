"""Reading a yes/no verdict from an LLM judge's free text (the evaluators that classify a trajectory)."""

from __future__ import annotations

import re
from typing import Final

YES: Final = frozenset({"yes", "y", "true", "correct", "right", "supported", "completed", "success", "succeeded"})
NO: Final = frozenset({"no", "n", "false", "incorrect", "wrong", "unsupported", "failed", "failure", "incomplete", "not"})
_VERDICT = re.compile(r"verdict\s*[*_]*\s*[:=\-]?\s*[*_\"'`\[(]*\s*([a-z]+)", re.IGNORECASE)
_WORD = re.compile(r"[a-z]+", re.IGNORECASE)


def parse_verdict(reply: str) -> bool | None:
    """The last ``Verdict: <word>`` that reads as yes or no; else a reply whose last or first word is a
    bare "yes" or a negative ("no", "incorrect", ...); else ``None``. Positive words other than "yes"
    count only after "Verdict:", so "... is not correct" never reads as yes."""
    for word in reversed(_VERDICT.findall(reply or "")):
        word = word.lower()
        if word in YES or word in NO:
            return word in YES
    words = [word.lower() for word in _WORD.findall(reply or "")]
    for word in [*words[-1:], *words[:1]]:
        if word == "yes":
            return True
        if word in NO:  # reading a stray negative as "no" is the safe mistake
            return False
    return None


def strip_verdict(reply: str) -> str:
    """The judge's reasoning without its verdict markers, on one line."""
    return " ".join(_VERDICT.sub("", reply or "").split())
