"""Which domain a source means, where results go, and the threads a re-run finds again."""

from __future__ import annotations

from pathlib import Path

import pytest

from reflexion.bench import bench_thread_id, default_out, domain_for, load_source, pick
from reflexion.domains.qa import QADomain
from reflexion.errors import SettingsError, TaskError


def test_domain_follows_the_source_or_the_option() -> None:
    assert domain_for("humaneval") == domain_for("MBPP") == domain_for("tasks/add.py") == "programming"
    assert domain_for("data.jsonl", "qa") == "qa"
    assert domain_for("humaneval", "qa") == "qa"  # --domain wins
    with pytest.raises(SettingsError, match="cannot tell the domain of 'data.jsonl': pass --domain"):
        domain_for("data.jsonl")


def test_builtin_means_the_domains_own_set(tmp_path: Path) -> None:
    assert load_source(QADomain(), "builtin") == load_source(QADomain(), "-") == QADomain().load_tasks()
    with pytest.raises(TaskError, match="task file not found"):
        load_source(QADomain(), str(tmp_path / "nope.jsonl"))


def test_pick_selects_ids_then_limits() -> None:
    tasks = QADomain().load_tasks()
    assert [t["id"] for t in pick(tasks, limit=2)] == ["sum-primes", "days-leap"]
    assert [t["id"] for t in pick(tasks, ["planet", "legs"], limit=1)] == ["planet"]
    assert pick(tasks) == tasks
    for bad in (0, -3):
        with pytest.raises(SettingsError, match="--limit must be a positive number"):
            pick(tasks, limit=bad)
    with pytest.raises(TaskError, match="unknown task id 'plant'; did you mean planet"):
        pick(tasks, ["plant"])


def test_default_result_file_names_domain_source_and_strategy() -> None:
    assert default_out("humaneval", "programming", "reflexion") == Path("results/programming-humaneval-reflexion.jsonl")
    assert default_out("builtin", "qa", "none") == Path("results/qa-builtin-none.jsonl")
    assert default_out("../data/hotpotqa-distractor-100.jsonl", "hotpotqa-cot-gt", "reflexion") == Path(
        "results/hotpotqa-cot-gt-hotpotqa-distractor-100-reflexion.jsonl"
    )


def test_thread_ids_are_stable_per_result_file_task_and_strategy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    one = bench_thread_id("results/a.jsonl", "HumanEval/0", "reflexion")
    assert one == bench_thread_id(tmp_path / "results" / "a.jsonl", "HumanEval/0", "reflexion")
    assert one.startswith("bench:a-") and one.endswith(":HumanEval/0:reflexion")
    others = {
        bench_thread_id("results/b.jsonl", "HumanEval/0", "reflexion"),
        bench_thread_id("other/a.jsonl", "HumanEval/0", "reflexion"),
        bench_thread_id("results/a.jsonl", "HumanEval/1", "reflexion"),
        bench_thread_id("results/a.jsonl", "HumanEval/0", "none"),
    }
    assert one not in others and len(others) == 4
