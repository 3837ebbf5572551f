"""What the three HotPotQA domains share: the task file, the two evaluators and the final score."""

from __future__ import annotations

from typing import Any, ClassVar

from reflexion.domains.base import Attempt, Domain, Evaluation, Step
from reflexion.domains.hotpotqa.evaluation import exact_match_feedback, label_scores
from reflexion.domains.hotpotqa.judge import judge_feedback
from reflexion.domains.hotpotqa.settings import EvaluatorKind, data_path, evaluator_kind
from reflexion.domains.hotpotqa.tasks import Paragraph, load_hotpotqa, paragraphs, render_paragraphs
from reflexion.state import Task


class HotpotQADomain(Domain):
    """Base of the HotPotQA domains; a subclass picks the actor (and what context it reads)."""

    name: ClassVar[str] = "hotpotqa"

    def __init__(self, *, evaluator: str | None = None) -> None:
        self.evaluator: EvaluatorKind = evaluator_kind(evaluator)

    def settings(self) -> dict[str, Any]:
        return {"evaluator": self.evaluator}

    def load_tasks(self, source: str | None = None) -> list[Task]:
        path = data_path(source)
        return load_hotpotqa(str(path), self.name)

    def evidence(self, task: Task) -> list[Paragraph]:
        """The paragraphs the LLM judge weighs the answer against (by default all of the question's)."""
        return paragraphs(task)

    def reasoning(self, attempt: Attempt) -> str:
        """The attempt's reasoning as text, for the LLM judge."""
        raise NotImplementedError

    def no_answer_feedback(self, attempt: Attempt) -> str:
        raise NotImplementedError

    def evaluate(self, step: Step, attempt: Attempt) -> Evaluation:
        if not attempt.candidate.strip():
            return Evaluation({"score": 0.0, "success": False, "text": self.no_answer_feedback(attempt)})
        if self.evaluator == "exact":
            return Evaluation(exact_match_feedback(attempt.candidate, step.task["data"]["answer"]))
        feedback = judge_feedback(
            step.llm,
            question=step.task["prompt"],
            context=render_paragraphs(self.evidence(step.task)),
            reasoning=self.reasoning(attempt),
            answer=attempt.candidate,
        )
        return Evaluation(feedback)

    def score(self, task: Task, candidate: str) -> dict[str, Any] | None:
        """Exact match (and F1) against the label, whichever evaluator the loop used."""
        return label_scores(candidate, task["data"]["answer"])
