"""The learning curve as a picture: pass@1 after each trial, one line per result file.

matplotlib is the optional ``plot`` extra. The figure is drawn without pyplot (no GUI backend, no
global state): ``Figure.savefig`` renders with Agg, offline.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from reflexion.bench.summary import BenchSummary
from reflexion.errors import SettingsError


def plot_curves(summaries: Sequence[BenchSummary], path: str | os.PathLike[str], *, title: str = "Reflexion learning curve") -> Path:
    try:
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator, PercentFormatter
    except ImportError:
        raise SettingsError('drawing the plot needs matplotlib: pip install -e ".[plot]"') from None

    drawn = [s for s in summaries if s.curve]
    if not drawn:
        raise SettingsError("nothing to plot: no finished tasks in the result file(s)")
    figure = Figure(figsize=(6.4, 4.2), layout="constrained")
    axes = figure.subplots()
    for summary in drawn:
        trials = range(1, len(summary.curve) + 1)
        label = f"{summary.label or summary.strategy} ({summary.tasks} tasks)"
        axes.plot(trials, [100 * p for p in summary.curve], marker="o", label=label)
    axes.set_xlabel("trial")
    axes.set_ylabel("pass@1")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.yaxis.set_major_formatter(PercentFormatter())
    axes.set_ylim(0, 100)
    axes.grid(True, alpha=0.3)
    axes.set_title(title)
    axes.legend(loc="lower right")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=120)
    return path
