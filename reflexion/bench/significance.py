"""How much a difference between two sets of verdicts on the same tasks says: exact two-sided tests
on the tasks that changed, since the tasks on which both agree carry no information about which is
better (docs/bench.md, "The summary").

- A run's lift over its own trial 1: the fixed against the broken tasks (an exact sign test).
- Two runs on the same tasks: the tasks only one of them passed (an exact McNemar test, which is
  the same binomial test on those discordant tasks).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from math import comb

from reflexion.bench.results import ResultRow


def exact_p(wins: int, losses: int) -> float | None:
    """Two-sided exact binomial p-value of ``wins`` against ``losses`` under "either is as likely";
    None when there is nothing to test (both zero)."""
    n = wins + losses
    if n == 0:
        return None
    tail = sum(comb(n, i) for i in range(min(wins, losses) + 1)) / 2**n
    return min(1.0, 2 * tail)


@dataclass(frozen=True)
class Paired:
    """Two result files compared task by task on the tasks both have (final verdicts)."""

    first: str
    second: str
    tasks: int  # both have them
    only_first: list[str]  # passed in the first file only
    only_second: list[str]

    @property
    def p(self) -> float | None:
        return exact_p(len(self.only_first), len(self.only_second))

    def __str__(self) -> str:
        p = "n/a" if self.p is None else f"{self.p:.3g}"
        return (
            f"{self.first} vs {self.second} on {self.tasks} shared task{'' if self.tasks == 1 else 's'}: {_count(self.only_first)} pass only in the first, "
            f"{_count(self.only_second)} only in the second (exact McNemar p = {p})"
        )


def _count(tasks: list[str]) -> str:
    return f"{len(tasks)} ({', '.join(tasks)})" if tasks else "0"


def paired(first: tuple[str, Iterable[ResultRow]], second: tuple[str, Iterable[ResultRow]]) -> Paired:
    """Compare two labelled sets of rows on the tasks both have."""
    a = {row["task_id"]: bool(row["passed"]) for row in first[1]}
    b = {row["task_id"]: bool(row["passed"]) for row in second[1]}
    shared = [task for task in a if task in b]
    return Paired(
        first=first[0],
        second=second[0],
        tasks=len(shared),
        only_first=[task for task in shared if a[task] and not b[task]],
        only_second=[task for task in shared if b[task] and not a[task]],
    )
