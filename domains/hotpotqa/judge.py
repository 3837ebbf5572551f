"""The LLM-judge evaluator: the evaluator model decides whether an answer is correct and supported
by the question's paragraphs. It never sees the label, so it can be wrong both ways; its verdict is
what the loop acts on, while ``score`` still reports exact match against the label.
"""

from __future__ import annotations

import re
from typing import Final

from reflexion.llm import RoleModel
from reflexion.prompts import render_prompt
from reflexion.state import Feedback

PROMPTS: Final = "hotpotqa"
_YES: Final = frozenset({"yes", "correct", "true", "supported", "right"})
_NO: Final = frozenset({"no", "incorrect", "false", "unsupported", "wrong", "not"})
_VERDICT = re.compile(r"verdict\s*[*_]*\s*[:=\-]?\s*[*_\"'`\[(]*\s*([a-z]+)", re.IGNORECASE)
_WORD = re.compile(r"[a-z]+", re.IGNORECASE)


def parse_verdict(reply: str) -> bool | None:
    """The judge's yes/no: the last ``Verdict: ...``, else a reply that starts or ends with yes/no."""
    text = reply or ""
    for word in reversed(_VERDICT.findall(text)):
        if (verdict := _as_bool(word)) is not None:
            return verdict
    words = _WORD.findall(text)
    for word in (words[:1] + words[-1:]) if words else []:
        if (verdict := _as_bool(word)) is not None:
            return verdict
    return None


def judge_feedback(llm: RoleModel, *, question: str, context: str, reasoning: str, answer: str) -> Feedback:
    reply = llm.ask(
        render_prompt("judge", PROMPTS, question=question, context=context, reasoning=reasoning or "(none given)", answer=answer),
        system=render_prompt("judge_system", PROMPTS),
    )
    verdict = parse_verdict(reply)
    reason = " ".join(_VERDICT.sub("", reply or "").split())[:600] or "(no reason given)"
    if verdict is None:
        expected = "expected a last line 'Verdict: yes' or 'Verdict: no'"
        text = f"Could not parse the judge's verdict ({expected}), so '{answer}' counts as wrong. The judge wrote: {reason}"
        return {"score": 0.0, "success": False, "text": text}
    text = f"The judge {'accepted' if verdict else 'rejected'} '{answer}': {reason}"
    return {"score": float(verdict), "success": verdict, "text": text}


def _as_bool(word: str) -> bool | None:
    word = word.lower()
    return True if word in _YES else False if word in _NO else None
