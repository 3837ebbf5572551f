"""Bench summaries as a rich table (one column per result file, so strategies compare side by side)
or as Markdown (one row per file, the tables of docs/results.md)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.markup import escape
from rich.table import Table

from reflexion.bench.results import ResultRow
from reflexion.bench.significance import paired
from reflexion.bench.summary import BenchSummary, Ratio


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
    for t in range(_longest(summaries)):
        label = f"pass@1 after trial {t + 1}" + (" (baseline)" if t == 0 else "")
        row(label, [_pass(s, t) for s in summaries])
    row("[bold]final pass@1[/]", [f"[bold]{_pass(s, len(s.solved_by_trial) - 1)}[/]" for s in summaries])
    row("lift over trial 1", ["-" if s.lift is None else f"{s.lift * 100:+.1f} points" for s in summaries])
    row("fixed / broken after trial 1", [f"{s.fixed} / {s.broken}" for s in summaries])
    row("sign test of the lift", ["n/a" if s.lift_p is None else f"p = {s.lift_p:.3g}" for s in summaries])
    row("self-test false positives", [str(s.false_positives) if s.false_positives else "n/a" for s in summaries])
    row("self-test false negatives", [str(s.false_negatives) if s.false_negatives else "n/a" for s in summaries])
    row("trials after a passing answer", [f"{s.after_pass} in {s.after_pass_tasks} tasks" if s.after_pass else "n/a" for s in summaries])
    row("LLM calls (per solved task)", [f"{s.calls} ({_number(s.per_solved(s.calls))})" for s in summaries])
    row("tokens (per solved task)", [f"{s.tokens} ({_number(s.per_solved(s.tokens))})" for s in summaries])
    row("wall time (per task)", [f"{s.wall_s:.1f}s ({_number(s.wall_s / s.tasks if s.tasks else None, 's')})" for s in summaries])
    return table


def markdown_table(summaries: Sequence[BenchSummary]) -> str:
    """The summaries as a Markdown table, one row per result file: what docs/results.md shows, so a
    reader regenerates its tables with ``reflexion bench --summary FILE ... --markdown``."""
    trials = _longest(summaries)
    head = [
        "run", "tasks", "trial 1 (single attempt)", f"solved after trial {' / '.join(str(t + 1) for t in range(trials))}",
        "final pass@1", "lift (points)", "fixed / broken", "sign test p", "self-test false positives",
        "self-test false negatives", "trials after a passing answer", "calls (per solved)", "tokens (per solved)", "wall per task",
    ]  # fmt: skip
    lines = [_md_row(head), _md_row(["---"] * len(head))]
    for s in summaries:
        lines.append(_md_row([
            f"`{s.label or s.strategy}`",
            str(s.tasks),
            _pass(s, 0, ratio_first=True),
            " / ".join(str(s.solved_by_trial[_upto(s, t)]) for t in range(trials)) if s.solved_by_trial else "-",
            "-" if s.final is None else f"**{s.final:.1%}**",
            "-" if s.lift is None else f"{s.lift * 100:+.1f}",
            f"{s.fixed} / {s.broken}",
            _p_value(s.lift_p),
            _count(s.false_positives),
            _count(s.false_negatives),
            f"{_count(s.after_pass)} in {s.after_pass_tasks}" if s.after_pass else "n/a",
            f"{s.calls:,} ({_number(s.per_solved(s.calls))})",
            f"{s.tokens:,} ({_number(s.per_solved(s.tokens))})",
            _number(s.wall_s / s.tasks if s.tasks else None, " s", digits=0),
        ]))  # fmt: skip
    return "\n".join(lines)


def changed_tasks(summaries: Sequence[BenchSummary]) -> list[str]:
    """One line per summary that fixed or broke a task after trial 1: which ones, and when fixed
    (plain text: escape it before printing it as rich markup)."""
    lines = []
    for s in summaries:
        if not (s.fixed_tasks or s.broken_tasks):
            continue
        fixed = ", ".join(f"{task} (trial {trial})" for task, trial in s.fixed_tasks.items()) or "none"
        broken = ", ".join(s.broken_tasks) or "none"
        lines.append(f"{s.label or s.strategy}: fixed {fixed}; broken {broken}")
    return lines


def paired_lines(files: Sequence[tuple[str, Sequence[ResultRow]]]) -> list[str]:
    """Each pair of labelled result files compared task by task (see :mod:`significance`)."""
    return [str(paired(first, second)) for i, first in enumerate(files) for second in files[i + 1 :]]


def _pass(summary: BenchSummary, t: int, *, ratio_first: bool = False) -> str:
    if not summary.solved_by_trial:
        return "-"
    t = _upto(summary, t)
    rate, ratio = f"{summary.curve[t]:.1%}", f"{summary.solved_by_trial[t]}/{summary.tasks}"
    return f"{ratio} ({rate})" if ratio_first else f"{rate} ({ratio})"


def _longest(summaries: Sequence[BenchSummary]) -> int:
    """The longest curve among the summaries (their table's trial rows or columns)."""
    return max((len(s.solved_by_trial) for s in summaries), default=0)


def _upto(summary: BenchSummary, t: int) -> int:
    """Trial index ``t`` (0-based) in this summary's curve: a shorter run stays at its final value."""
    return min(t, len(summary.solved_by_trial) - 1)


def _p_value(p: float | None) -> str:
    return "n/a" if p is None else "< 0.001" if p < 0.001 else f"{p:.2g}"


def _count(ratio: Ratio | None) -> str:
    return "n/a" if ratio is None else f"{ratio.count}/{ratio.of}"


def _md_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def _number(value: float | None, unit: str = "", digits: int = 1) -> str:
    if value is None:
        return "n/a"
    return f"{value:.{digits}f}{unit}" if unit or value < 100 else f"{value:,.0f}"
