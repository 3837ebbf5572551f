"""Which trial a run answers with, and whether an attempt only repeats an earlier one.

Both are the loop's own rules, shared by ``decide`` (which acts on them) and the bench (which uses
``answer_after`` to score the candidate the run would have returned had its budget been t trials).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from reflexion.state import TrialRecord


def best_trial(trials: Sequence[TrialRecord]) -> TrialRecord:
    """The trial whose candidate the run returns: the one the evaluator called a success, else the
    one it scored highest, the latest of those on a tie. The paper returns the last attempt; with a
    weak evaluator (a wrong self-written test) the last attempt can be a "fix" that broke a right
    answer, and the run must not return a worse candidate than the best it has seen."""
    if not trials:
        raise ValueError("a run has no trials yet")
    return max(reversed(trials), key=lambda record: (record["feedback"]["success"], record["feedback"]["score"]))


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
