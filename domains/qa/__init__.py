"""A small offline domain to prove the loop: short questions, checked by exact match.

Tasks are JSON lines ``{"id": ..., "question": ..., "answer": ...}``; without a file, a built-in set
of questions is used. The evaluator reads the label (like HotPotQA's exact match in the paper).
"""

from __future__ import annotations

from importlib.resources import files
from typing import ClassVar

from reflexion.answers import exact_match, extract_answer
from reflexion.domains.base import ActorMemory, Attempt, Domain, Evaluation, Step
from reflexion.jsonl import read_jsonl_numbered, require
from reflexion.prompts import render_prompt
from reflexion.state import Task


class QADomain(Domain):
    name: ClassVar[str] = "qa"

    def load_tasks(self, source: str | None = None) -> list[Task]:
        path = source or str(files(__package__).joinpath("questions.jsonl"))
        tasks: list[Task] = []
        for number, row in read_jsonl_numbered(path):
            require(row, {"id": (str, int), "question": str, "answer": (str, int, float)}, f"{path}:{number}")
            tasks.append(
                {"id": str(row["id"]), "domain": self.name, "prompt": row["question"], "data": {"answer": str(row["answer"])}}
            )
        return tasks

    def act(self, step: Step, memory: ActorMemory) -> Attempt:
        return self._attempt(step.llm.ask(self._prompt(step, memory)))

    async def aact(self, step: Step, memory: ActorMemory) -> Attempt:
        return self._attempt(await step.llm.aask(self._prompt(step, memory)))

    def _prompt(self, step: Step, memory: ActorMemory) -> str:
        last = memory.last_trial
        return render_prompt(
            "actor",
            self.name,
            question=step.task["prompt"],
            reflections="\n".join(f"- {r}" for r in memory.reflections) or "(none)",
            last_attempt=self.render_trial(last) + f"\nFeedback: {last['feedback']['text']}" if last else "(none)",
        )

    def _attempt(self, reply: str) -> Attempt:
        return Attempt(candidate=extract_answer(reply) or "", trajectory=[{"thought": reply.strip()}])

    async def aevaluate(self, step: Step, attempt: Attempt) -> Evaluation:
        return self.evaluate(step, attempt)  # a string comparison: no worker thread needed

    def evaluate(self, step: Step, attempt: Attempt) -> Evaluation:
        if not attempt.candidate:
            text = "No answer found: the reply must end with a line 'Answer: <your answer>'."
            return Evaluation({"score": 0.0, "success": False, "text": text})
        correct = exact_match(attempt.candidate, step.task["data"]["answer"])
        text = f"'{attempt.candidate}' is correct." if correct else f"'{attempt.candidate}' is wrong."
        return Evaluation({"score": float(correct), "success": correct, "text": text})
