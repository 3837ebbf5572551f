"""Bench summaries as a rich table: one column per result file, so strategies compare side by side."""

from __future__ import annotations

from collections.abc import Sequence

from rich.markup import escape
from rich.table import Table

from reflexion.bench.results import ResultRow
from reflexion.bench.significance import paired
from reflexion.bench.summary import BenchSummary


def summary_table(summaries: Sequence[BenchSummary]) -> Table:
    table = Table(title="bench summary", title_justify="left")
    table.add_column("")
    for summary in summaries:
        table.add_column(escape(summary.label or summary.strategy), justify="right")

    def row(name: str, values: list[str]) -> None:
        table.add_row(name, *values)

    row("domain", [escape(s.domain) for s in summaries])
    row("strategy", [escape(s.strategy) for s in summaries])
    row("tasks", [str(s.tasks) for s in summaries])
    for t in range(max((len(s.solved_by_trial) for s in summaries), default=0)):
        label = f"pass@1 after trial {t + 1}" + (" (baseline)" if t == 0 else "")
        row(label, [_pass(s, t) for s in summaries])
    row("[bold]final pass@1[/]", [f"[bold]{_pass(s, len(s.solved_by_trial) - 1)}[/]" for s in summaries])
    row("lift over trial 1", ["-" if s.final is None or s.baseline is None else f"{(s.final - s.baseline) * 100:+.1f} points" for s in summaries])
    row("fixed / broken after trial 1", [f"{s.fixed} / {s.broken}" for s in summaries])
    row("sign test of the lift", ["n/a" if s.lift_p is None else f"p = {s.lift_p:.3g}" for s in summaries])
    row("self-test false positives", [str(s.false_positives) if s.false_positives else "n/a" for s in summaries])
    row("self-test false negatives", [str(s.false_negatives) if s.false_negatives else "n/a" for s in summaries])
    row("trials after a passing answer", [f"{s.after_pass} in {s.after_pass_tasks} tasks" if s.after_pass else "n/a" for s in summaries])
    row("LLM calls (per solved task)", [f"{s.calls} ({_number(s.per_solved(s.calls))})" for s in summaries])
    row("tokens (per solved task)", [f"{s.tokens} ({_number(s.per_solved(s.tokens))})" for s in summaries])
    row("wall time (per task)", [f"{s.wall_s:.1f}s ({_number(s.wall_s / s.tasks if s.tasks else None, 's')})" for s in summaries])
    return table


def changed_tasks(summaries: Sequence[BenchSummary]) -> list[str]:
    """One line per summary that fixed or broke a task after trial 1: which ones, and when fixed."""
    lines = []
    for s in summaries:
        if not (s.fixed_tasks or s.broken_tasks):
            continue
        fixed = ", ".join(f"{task} (trial {trial})" for task, trial in s.fixed_tasks.items()) or "none"
        broken = ", ".join(s.broken_tasks) or "none"
        lines.append(f"{escape(s.label or s.strategy)}: fixed {escape(fixed)}; broken {escape(broken)}")
    return lines


def paired_lines(files: Sequence[tuple[str, Sequence[ResultRow]]]) -> list[str]:
    """Each pair of labelled result files compared task by task (see :mod:`significance`)."""
    return [escape(str(paired(first, second))) for i, first in enumerate(files) for second in files[i + 1 :]]


def _pass(summary: BenchSummary, t: int) -> str:
    if not summary.solved_by_trial:
        return "-"
    t = min(t, len(summary.solved_by_trial) - 1)  # a shorter run stays at its final value
    return f"{summary.curve[t]:.1%} ({summary.solved_by_trial[t]}/{summary.tasks})"


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "n/a"
    return f"{value:.1f}{unit}" if unit or value < 100 else f"{value:,.0f}"
