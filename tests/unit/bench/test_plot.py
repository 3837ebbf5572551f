"""The learning-curve picture: written offline; a clear error without matplotlib."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from reflexion.bench import BenchSummary, Ratio
from reflexion.bench.plot import plot_curves
from reflexion.errors import SettingsError


def summary(label: str, solved: list[int]) -> BenchSummary:
    return BenchSummary(label=label, domain="qa", strategy=label, tasks=4, solved_by_trial=solved,
                        false_positives=Ratio(0, 1), false_negatives=None)


def test_one_line_per_result_file_into_a_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    path = plot_curves([summary("reflexion", [1, 2, 3]), summary("none", [1])], tmp_path / "plots" / "curve.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_nothing_to_plot_is_an_error(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    with pytest.raises(SettingsError, match="nothing to plot"):
        plot_curves([summary("empty", [])], tmp_path / "x.png")


def test_missing_matplotlib_names_the_install_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # makes the import fail
    with pytest.raises(SettingsError, match=r'pip install -e "\.\[plot\]"'):
        plot_curves([summary("reflexion", [1])], tmp_path / "x.png")
    assert not (tmp_path / "x.png").exists()
