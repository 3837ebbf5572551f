"""The LLM-judge evaluator: the evaluator model decides whether an answer is correct and supported
by the question's paragraphs. It never sees the label, so it can be wrong both ways; its verdict is
what the loop acts on, while ``score`` still reports exact match against the label.
"""

from __future__ import annotations

from typing import Final

from reflexion.llm import RoleModel
from reflexion.prompts import render_prompt
from reflexion.state import Feedback
from reflexion.verdicts import parse_verdict, strip_verdict

PROMPTS: Final = "hotpotqa"


def judge_feedback(llm: RoleModel, *, question: str, context: str, reasoning: str, answer: str) -> Feedback:
    reply = llm.ask(
        render_prompt("judge", PROMPTS, question=question, context=context, reasoning=reasoning or "(none given)", answer=answer),
        system=render_prompt("judge_system", PROMPTS),
    )
    verdict = parse_verdict(reply)
    reason = strip_verdict(reply)[:600] or "(no reason given)"
    if verdict is None:
        expected = "expected a last line 'Verdict: yes' or 'Verdict: no'"
        text = f"Could not parse the judge's verdict ({expected}), so '{answer}' counts as wrong. The judge wrote: {reason}"
        return {"score": 0.0, "success": False, "text": text}
    text = f"The judge {'accepted' if verdict else 'rejected'} '{answer}': {reason}"
    return {"score": float(verdict), "success": verdict, "text": text}
