"""Chain-of-thought actors: one model call reasons over the given paragraphs and ends with ``Answer: ...``.

``hotpotqa-cot-gt`` reads only the gold supporting paragraphs (the paper's CoT (GT) setting);
``hotpotqa-cot`` reads all ten, distractors included.
"""

from __future__ import annotations

import re
from typing import ClassVar

from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from reflexion.answers import extract_answer
from reflexion.domains.base import ActorMemory, Attempt, Step
from reflexion.domains.hotpotqa.actions import parse_reply
from reflexion.domains.hotpotqa.domain import HotpotQADomain
from reflexion.domains.hotpotqa.rendering import render_cot_trial, render_last_attempt, render_reflections
from reflexion.domains.hotpotqa.tasks import Paragraph, gold_paragraphs, paragraphs, render_paragraphs
from reflexion.prompts import render_prompt
from reflexion.state import Task, TrialRecord

PROMPTS = "hotpotqa"
_INLINE_ANSWER = re.compile(r"\banswer\s*[:=]\s*([^\n]+)", re.IGNORECASE)  # "... so 1961. Answer: 1961"


def cot_answer(reply: str) -> str:
    """The answer of a chain-of-thought reply: its last ``Answer:`` line (markdown bold allowed),
    else the last ``Answer:`` inside a line, else a ``finish[...]`` call; empty when it has none."""
    plain = (reply or "").replace("*", "")
    answer = extract_answer(plain)
    if answer is None and (inline := _INLINE_ANSWER.findall(plain)):
        answer = inline[-1]
    if answer is None:
        parsed = parse_reply(reply)
        answer = parsed.action.argument if parsed.action and parsed.action.tool == "finish" else ""
    return answer.strip().strip("*").strip()


class HotpotCoTDomain(HotpotQADomain):
    """Chain of thought over all of the question's paragraphs."""

    name: ClassVar[str] = "hotpotqa-cot"

    def context(self, task: Task) -> list[Paragraph]:
        return paragraphs(task)

    def evidence(self, task: Task) -> list[Paragraph]:
        return self.context(task)

    def act(self, step: Step, memory: ActorMemory) -> Attempt:
        context = render_paragraphs(self.context(step.task))
        prompt = render_prompt(
            "cot_actor",
            PROMPTS,
            examples=render_prompt("cot_examples", PROMPTS).strip(),
            reflections=render_reflections(memory.reflections),
            last_attempt=render_last_attempt(memory, lambda r: render_cot_trial(r, with_context=False)),
            context=context,
            question=step.task["prompt"],
        )
        system = render_prompt("cot_actor_system", PROMPTS)
        reply = step.llm.ask(prompt, system=system)
        answer = cot_answer(reply)
        if not answer and reply.strip():
            # Small models reason and then stop without the answer line: ask for it, as zero-shot CoT's
            # answer-extraction step does ("Therefore, the answer is"), in the same conversation.
            ask = render_prompt("cot_answer", PROMPTS, question=step.task["prompt"])
            follow_up = [SystemMessage(system), HumanMessage(prompt), AIMessage(reply), HumanMessage(ask)]
            extracted = step.llm.ask(follow_up)
            answer = cot_answer(extracted) or cot_answer(f"Answer: {extracted.strip().splitlines()[0]}" if extracted.strip() else "")
            reply = f"{reply.rstrip()}\n{extracted.strip()}"
        # The context goes into the trajectory so that the reflector sees what the actor read.
        return Attempt(candidate=answer, trajectory=[{"context": context, "thought": reply.strip()}])

    def render_trial(self, record: TrialRecord) -> str:
        return render_cot_trial(record, with_context=True)

    def reasoning(self, attempt: Attempt) -> str:
        return "\n".join(str(s.get("thought", "")) for s in attempt.trajectory).strip()

    def no_answer_feedback(self, attempt: Attempt) -> str:
        return "No answer found: the reply must end with a line 'Answer: <short answer>'."


class HotpotCoTGoldDomain(HotpotCoTDomain):
    """Chain of thought over the gold supporting paragraphs only: the paper's CoT (GT)."""

    name: ClassVar[str] = "hotpotqa-cot-gt"

    def context(self, task: Task) -> list[Paragraph]:
        return gold_paragraphs(task)
