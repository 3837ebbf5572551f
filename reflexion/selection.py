"""Which trial a run answers with, and whether an attempt only repeats an earlier one.

Both are the loop's own rules, shared by ``decide`` (which acts on them) and the bench (which uses
``answer_after`` to score the candidate the run would have returned had its budget been t trials).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from reflexion.state import TrialRecord


def best_trial(trials: Sequence[TrialRecord]) -> TrialRecord:
    """The trial whose candidate the run returns: the one the evaluator called a success, else the
    one it scored highest. The paper returns the last attempt; with a weak evaluator (a wrong
    self-written test) the last attempt can be a "fix" that broke a right answer, and the run must
    not return a worse candidate than the best it has seen.

    On a tie the evaluator cannot tell the attempts apart, so the one it saw most often wins: among
    the best-scored trials, those whose feedback (the same tests, the same outputs) recurs most,
    the latest of them. A small model's attempts drift ("fixing" a right answer that wrong tests
    reject into a wrong one that they reject alike); what it wrote again and again is the better
    bet (self-consistency). With no repeats this is the latest best-scored trial."""
    if not trials:
        raise ValueError("a run has no trials yet")
    top = max(_rank(record) for record in trials)
    tied = [record for record in trials if _rank(record) == top]
    seen = Counter(record["feedback"]["text"] for record in tied)
    return max(reversed(tied), key=lambda record: seen[record["feedback"]["text"]])


def _rank(record: TrialRecord) -> tuple[bool, float]:
    return record["feedback"]["success"], record["feedback"]["score"]


def answer_after(trials: Sequence[TrialRecord], budget: int) -> TrialRecord:
    """The trial the run would have answered with, had it stopped after ``budget`` trials."""
    return best_trial(trials[:budget])


def repeated_trial(trials: Sequence[Mapping[str, Any]], same: Callable[[str, str], bool]) -> int | None:
    """The earlier trial whose candidate the newest one repeats (``same`` compares two candidates), or None.
    ``trials`` are trial records, or anything with their ``trial`` and ``candidate``.

    At temperature 0 a retry that sees what an earlier retry saw writes the same thing again: the
    loop has reached a fixed point, and another trial like it is wasted."""
    if len(trials) < 2:
        return None
    newest = trials[-1]["candidate"]
    for record in reversed(trials[:-1]):
        if same(record["candidate"], newest):
            return record["trial"]
    return None
