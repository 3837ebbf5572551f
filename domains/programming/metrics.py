"""How far the self-written tests can be trusted: the paper's false-positive and false-negative
rates (its table of TP / FN / FP / TN for HumanEval and MBPP).

A run is *internally passed* when its final implementation passed all the evaluator's tests, and
*hidden passed* when it passed the dataset's hidden tests. As in the paper:
- false-positive rate = FP / (TP + FP): of the runs whose self-tests all passed, the share that
  fail the hidden tests (HumanEval ~1%, MBPP ~16% with GPT-4);
- false-negative rate = FN / (FN + TN): of the runs whose self-tests did not all pass, the share
  that pass the hidden tests anyway.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def fp_fn_rates(rows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Counts and rates from rows with boolean ``internal_passed`` and ``hidden_passed``, or bench
    result rows (``outcome == "solved"`` and ``final["hidden_passed"]``). Rows missing either verdict
    (a task without hidden tests) are not counted. A rate is ``None`` when its denominator is 0."""
    counts = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    for row in rows:
        internal, hidden = _verdicts(row)
        if not isinstance(internal, bool) or not isinstance(hidden, bool):
            continue
        key = ("t" if internal == hidden else "f") + ("p" if internal else "n")
        counts[key] += 1
    tp, fp, fn, tn = counts["tp"], counts["fp"], counts["fn"], counts["tn"]
    return {
        **counts,
        "counted": tp + fp + fn + tn,
        "false_positive_rate": fp / (tp + fp) if tp + fp else None,
        "false_negative_rate": fn / (fn + tn) if fn + tn else None,
    }


def _verdicts(row: Mapping[str, Any]) -> tuple[Any, Any]:
    """(internal, hidden) verdicts of a plain row or a bench result row."""
    if "internal_passed" in row:
        return row["internal_passed"], row.get("hidden_passed")
    internal = row["outcome"] == "solved" if "outcome" in row else None
    return internal, (row.get("final") or {}).get("hidden_passed")
