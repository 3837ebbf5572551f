"""The exact-match evaluator: the paper's, and the one ``score`` uses for benchmarks.

It READS THE LABEL: the loop learns whether the answer is right from the gold answer itself, which
is how the paper ran HotPotQA. The feedback says only right or wrong, never the label, so the label
does not leak into reflections; the LLM judge (``judge.py``) is the evaluator that does not see it.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from reflexion.answers import exact_match, normalize_answer
from reflexion.state import Feedback


def exact_match_feedback(candidate: str, label: str) -> Feedback:
    correct = exact_match(candidate, label)
    text = f"'{candidate}' is correct." if correct else f"'{candidate}' is not the correct answer."
    return {"score": float(correct), "success": correct, "text": text}


def label_scores(candidate: str, label: str) -> dict[str, Any]:
    """True accuracy of a final answer: exact match and token F1 after normalisation (SQuAD style).

    ``passed`` (= exact match) is what the bench counts, so with the LLM judge driving the loop the
    bench reports how often the judge's verdict disagreed with the label (false positives/negatives).
    """
    em = exact_match(candidate, label)
    return {"passed": em, "exact_match": em, "f1": token_f1(candidate, label), "label": label}


def token_f1(prediction: str, label: str) -> float:
    predicted, gold = normalize_answer(prediction).split(), normalize_answer(label).split()
    common = sum((Counter(predicted) & Counter(gold)).values())
    if not common:
        return float(predicted == gold)  # both empty counts as a match
    precision, recall = common / len(predicted), common / len(gold)
    return 2 * precision * recall / (precision + recall)
