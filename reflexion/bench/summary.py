"""What a bench's result rows add up to: the per-trial learning curve, how far the loop's own verdict
can be trusted, and what a solved task costs.

Definitions (see docs/bench.md):
- pass@1 after trial t: the share of tasks whose answer after t trials passed the final scoring
  (the domain's ``score()``, e.g. hidden tests; the loop's own verdict for a domain without one).
  "The answer after t trials" is the candidate the run would have returned had its budget been t
  trials; the bench scores each of them once the loop has ended, and never feeds the result back.
  The trial-1 point is the single-attempt baseline, measured on the very candidates the run started
  from; the last point is the final pass@1. (Rows written before ``passed_by_trial`` existed count a
  task from the trial its loop ended, which overstates the early points' failures.)
- false-positive rate: of the tasks the loop called solved, the share whose final result failed.
- false-negative rate: of the tasks the loop gave up on, the share whose final result passed.
  Both count only tasks whose final score has a pass flag (``passed`` or ``hidden_passed``);
  ``None`` when none has (a domain without ``score()``, or one that reports only e.g. F1).
- trials after a passing answer: trials a thread ran after the answer it would have returned
  already passed the final scoring (the loop's own tests rejected a right answer, or it kept going
  for another reason), of all trials run; only rows with ``passed_by_trial``. The budget a wrong
  self-written test takes from the tasks that need it.
- the lift's sign test: an exact two-sided binomial test of the fixed against the broken tasks
  (the tasks whose verdict did not change say nothing about the lift); see ``significance``.
- tokens and calls per solved task: everything spent on all tasks (failed ones included) divided by
  the number of tasks that passed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from reflexion.bench.results import ResultRow, final_verdict
from reflexion.bench.significance import exact_p
from reflexion.state import Usage, merge_usage


@dataclass(frozen=True)
class Ratio:
    count: int
    of: int

    @property
    def rate(self) -> float | None:
        return self.count / self.of if self.of else None

    def __str__(self) -> str:
        return f"{self.count}/{self.of} ({'n/a' if self.rate is None else f'{self.rate:.1%}'})"

    def to_dict(self) -> dict[str, Any]:
        return {"count": self.count, "of": self.of, "rate": self.rate}


@dataclass(frozen=True)
class BenchSummary:
    label: str
    domain: str
    strategy: str
    tasks: int
    solved_by_trial: list[int]  # tasks counted as passed after trial 1, 2, ... (cumulative)
    false_positives: Ratio | None
    false_negatives: Ratio | None
    usage: dict[str, Usage] = field(default_factory=dict)  # per role, all tasks
    wall_s: float = 0.0  # all tasks, added up
    fixed_tasks: dict[str, int] = field(default_factory=dict)  # failed after trial 1, passed in the end: id -> first passing trial
    broken_tasks: list[str] = field(default_factory=list)  # passed after trial 1, failed in the end
    after_pass: Ratio | None = None  # trials run after a passing answer, of all trials (rows with passed_by_trial)
    after_pass_tasks: int = 0  # the tasks that ran such trials

    @property
    def fixed(self) -> int:
        return len(self.fixed_tasks)

    @property
    def broken(self) -> int:
        return len(self.broken_tasks)

    @property
    def lift_p(self) -> float | None:
        """Exact two-sided sign test of the fixed against the broken tasks (None when neither)."""
        return exact_p(self.fixed, self.broken)

    @property
    def solved(self) -> int:
        return self.solved_by_trial[-1] if self.solved_by_trial else 0

    @property
    def curve(self) -> list[float]:
        """pass@1 after each trial."""
        return [n / self.tasks for n in self.solved_by_trial] if self.tasks else []

    @property
    def baseline(self) -> float | None:
        return self.curve[0] if self.curve else None

    @property
    def final(self) -> float | None:
        return self.curve[-1] if self.curve else None

    @property
    def lift(self) -> float | None:
        """Final pass@1 minus the baseline (a share, not points)."""
        return None if self.final is None or self.baseline is None else self.final - self.baseline

    @property
    def calls(self) -> int:
        return sum(u["calls"] for u in self.usage.values())

    @property
    def tokens(self) -> int:
        return sum(u["input_tokens"] + u["output_tokens"] for u in self.usage.values())

    def per_solved(self, total: float) -> float | None:
        return total / self.solved if self.solved else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "domain": self.domain,
            "strategy": self.strategy,
            "tasks": self.tasks,
            "solved": self.solved,
            "solved_by_trial": self.solved_by_trial,
            "pass_at_1_by_trial": self.curve,
            "baseline_pass_at_1": self.baseline,
            "final_pass_at_1": self.final,
            "lift": self.lift,
            "fixed_after_trial_1": self.fixed,
            "broken_after_trial_1": self.broken,
            "fixed_tasks": self.fixed_tasks,
            "broken_tasks": self.broken_tasks,
            "lift_sign_test_p": self.lift_p,
            "trials_after_a_passing_answer": self.after_pass.to_dict() if self.after_pass else None,
            "tasks_with_trials_after_a_passing_answer": self.after_pass_tasks,
            "false_positives": self.false_positives.to_dict() if self.false_positives else None,
            "false_negatives": self.false_negatives.to_dict() if self.false_negatives else None,
            "calls": self.calls,
            "tokens": self.tokens,
            "calls_per_solved": self.per_solved(self.calls),
            "tokens_per_solved": self.per_solved(self.tokens),
            "usage": self.usage,
            "wall_s": round(self.wall_s, 3),
            "wall_s_per_task": round(self.wall_s / self.tasks, 3) if self.tasks else None,
        }


def passed_after(row: ResultRow, budget: int) -> bool:
    """Whether the row's task passed with a budget of ``budget`` trials (see the module's definitions)."""
    by_trial = row.get("passed_by_trial")
    if by_trial:
        return bool(by_trial[min(budget, len(by_trial)) - 1])
    return bool(row["passed"] and row["trials"] <= budget)


def horizon(row: ResultRow) -> int:
    """The largest budget the row can be read at: its budget, or the trials it ran if more."""
    return max(row["max_trials"], row["trials"])


def first_passing_trial(row: ResultRow) -> int | None:
    """The first budget with which the row's task passed; None when none did."""
    return next((t for t in range(1, horizon(row) + 1) if passed_after(row, t)), None)


def trials_after_pass(row: ResultRow) -> int | None:
    """Trials the row's thread ran after its answer first passed the final scoring; None without
    ``passed_by_trial``."""
    if not row.get("passed_by_trial"):
        return None
    first = first_passing_trial(row)
    return 0 if first is None else row["trials"] - first


def summarize(rows: Iterable[ResultRow], label: str = "") -> BenchSummary:
    rows = list(rows)
    longest = max((horizon(row) for row in rows), default=0)
    solved_by_trial = [sum(passed_after(row, t) for row in rows) for t in range(1, longest + 1)]

    scored = [row for row in rows if final_verdict(row.get("final")) is not None]
    false_positives: Ratio | None = None
    false_negatives: Ratio | None = None
    if scored:
        said_solved = [row for row in scored if row["outcome"] == "solved"]
        gave_up = [row for row in scored if row["outcome"] != "solved"]
        false_positives = Ratio(sum(not row["passed"] for row in said_solved), len(said_solved))
        false_negatives = Ratio(sum(row["passed"] for row in gave_up), len(gave_up))

    after = [(row, n) for row in rows if (n := trials_after_pass(row)) is not None]
    after_pass = Ratio(sum(n for _, n in after), sum(row["trials"] for row, _ in after)) if after else None

    usage: dict[str, Usage] = {}
    for row in rows:
        usage = merge_usage(usage, row.get("usage") or {})
    return BenchSummary(
        label=label,
        domain=", ".join(sorted({row["domain"] for row in rows})),
        strategy=", ".join(sorted({row["strategy"] for row in rows})),
        tasks=len(rows),
        solved_by_trial=solved_by_trial,
        false_positives=false_positives,
        false_negatives=false_negatives,
        usage=usage,
        wall_s=sum(float(row.get("wall_s") or 0.0) for row in rows),
        fixed_tasks={row["task_id"]: first_passing_trial(row) or row["trials"]
                     for row in rows if row["passed"] and not passed_after(row, 1)},  # fmt: skip
        broken_tasks=[row["task_id"] for row in rows if passed_after(row, 1) and not row["passed"]],
        after_pass=after_pass,
        after_pass_tasks=sum(n > 0 for _, n in after),
    )
