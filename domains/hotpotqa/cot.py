"""Chain-of-thought actors: one model call reasons over the given paragraphs and ends with ``Answer: ...``.

``hotpotqa-cot-gt`` reads only the gold supporting paragraphs (the paper's CoT (GT) setting);
``hotpotqa-cot`` reads all ten, distractors included.
"""

from __future__ import annotations

import re
from functools import cache
from typing import ClassVar, Final

from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from reflexion.answers import extract_answer, normalize_answer
from reflexion.domains.base import ActorMemory, Attempt, Step
from reflexion.domains.hotpotqa.actions import parse_reply
from reflexion.domains.hotpotqa.domain import HotpotQADomain
from reflexion.domains.hotpotqa.rendering import render_cot_trial, render_last_attempt, render_reflections
from reflexion.domains.hotpotqa.tasks import Paragraph, gold_paragraphs, paragraphs, render_paragraphs
from reflexion.prompts import render_prompt
from reflexion.state import Task, TrialRecord

PROMPTS = "hotpotqa"
REASONING_MAX_TOKENS: Final = 384
"""The reasoning call's reply budget: the prompt asks for "a few short sentences" (about 100 tokens
from the embedded model); a reply that runs past this rambles, and the answer is asked for instead."""
ANSWER_MAX_TOKENS: Final = 48
"""The answer follow-up's reply budget: one short line."""
SENTENCE_WORDS: Final = 5
"""An answer of more words than this is a sentence, not the short answer the prompt asks for; so is
one of three or more words that ends in a full stop ("Vask Island has more inhabitants.")."""
CUT_OFF_NOTE: Final = "\n(The reasoning was cut off at its token limit.)"
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


def is_sentence(answer: str) -> bool:
    words = answer.split()
    return len(words) > SENTENCE_WORDS or (len(words) >= 3 and answer.rstrip().endswith("."))


def usable_answer(answer: str, context: str) -> str:
    """``answer``, or "" when it is the prompt's own wording copied back instead of an answer
    (a ``<answer>`` placeholder, or three or more words of an instruction that the context lacks)."""
    if answer.startswith("<") and answer.endswith(">"):
        return ""
    said = normalize_answer(answer)
    if len(said.split()) >= 3 and f" {said} " in _instructions() and said not in normalize_answer(context):
        return ""
    return answer


@cache
def _instructions() -> str:
    """The actor prompts' own wording (placeholders left empty, worked examples left out), normalised."""
    blanks = {"examples": "", "reflections": "", "last_attempt": "", "context": "", "question": ""}
    texts = [render_prompt("cot_actor", PROMPTS, **blanks), render_prompt("cot_actor_system", PROMPTS)]
    texts.append(render_prompt("cot_answer", PROMPTS, question=""))
    return f" {normalize_answer(' '.join(texts))} "


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
        reply = step.llm.reply(prompt, system=system, max_tokens=REASONING_MAX_TOKENS)
        thought = reply.text.strip() + (CUT_OFF_NOTE if reply.cut_off else "")
        answer = usable_answer(cot_answer(reply.text), context)
        if reply.text.strip() and (not answer or is_sentence(answer)):
            # Small models reason and then stop without the answer line, or answer with a sentence: ask
            # for the answer alone, as zero-shot CoT's answer-extraction step does ("Therefore, the
            # answer is"), in the same conversation. The shorter usable answer of the two is kept.
            ask = render_prompt("cot_answer", PROMPTS, question=step.task["prompt"])
            follow_up = [SystemMessage(system), HumanMessage(prompt), AIMessage(reply.text), HumanMessage(ask)]
            extracted = step.llm.reply(follow_up, max_tokens=ANSWER_MAX_TOKENS).text.strip()
            again = cot_answer(extracted) or (cot_answer(f"Answer: {extracted.splitlines()[0]}") if extracted else "")
            answer = min(filter(None, (answer, usable_answer(again, context))), key=len, default="")
            thought = f"{thought}\n{extracted}".strip()
        # The context goes into the trajectory so that the reflector sees what the actor read.
        return Attempt(candidate=answer, trajectory=[{"context": context, "thought": thought}])

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
