"""``reflexion bench`` in-process, through the real parser and handler; the models are fakes (no
network): ``open_models`` is replaced by one that hands out a prompt-driven fake for every role."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from filelock import FileLock

from reflexion.cli import main

from .fakes import PromptModel, student

TWO = ["--task", "sum-primes", "days-leap"]
OUT = Path("results/qa-builtin-reflexion.jsonl")


@pytest.fixture
def model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> PromptModel:
    """The model every role gets; tests may swap its ``respond``. Runs happen in tmp_path."""
    fake = PromptModel(respond=student())

    @contextmanager
    def open_models(*args, **kwargs) -> Iterator[dict[str, PromptModel]]:
        yield {"actor": fake, "evaluator": fake, "reflector": fake}

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REFLEXION_DB", str(tmp_path / "runs.sqlite"))
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setattr("reflexion.models.open_models", open_models)
    return fake


def test_bench_writes_rows_and_summary_then_a_rerun_does_nothing(model: PromptModel, capsys) -> None:
    assert main(["bench", "builtin", "--domain", "qa", *TWO, "--max-trials", "3"]) == 0
    out = capsys.readouterr().out
    assert "final pass@1" in out and "100.0% (2/2)" in out and "pass@1 after trial 1 (baseline)" in out
    rows = [json.loads(line) for line in OUT.read_text(encoding="utf-8").splitlines()]
    assert [(row["task_id"], row["trials"], row["passed"]) for row in rows] == [("sum-primes", 2, True), ("days-leap", 2, True)]
    summary = json.loads(OUT.with_name("qa-builtin-reflexion.summary.json").read_text(encoding="utf-8"))
    assert summary["pass_at_1_by_trial"] == [0.0, 1.0, 1.0] and summary["calls"] == 6

    calls = len(model.prompts)
    assert main(["bench", "builtin", "--domain", "qa", *TWO, "--max-trials", "3", "--json"]) == 0
    captured = capsys.readouterr()
    assert "2 already done" in captured.err and len(model.prompts) == calls  # no model was even started
    assert json.loads(captured.out)["final_pass_at_1"] == 1.0


def test_verbose_single_worker_shows_each_node_and_plot_is_drawn(model: PromptModel, capsys) -> None:
    pytest.importorskip("matplotlib")
    code = main(["bench", "builtin", "--domain", "qa", "--task", "sum-primes", "--out", "r/a.jsonl", "--plot", "r/a.png", "-v"])
    assert code == 0
    out = capsys.readouterr().out
    assert "trial 1 · evaluator" in out and "wrote a reflection" in out and "✓ sum-primes: passed after 2 trial(s)" in out
    assert Path("r/a.png").read_bytes()[:4] == b"\x89PNG"


def test_summary_of_several_files_without_running(model: PromptModel, capsys) -> None:
    assert main(["bench", "builtin", "--domain", "qa", *TWO, "--out", "a.jsonl"]) == 0
    assert main(["bench", "builtin", "--domain", "qa", *TWO, "--strategy", "none", "--out", "b.jsonl"]) == 0
    capsys.readouterr()
    calls = len(model.prompts)
    assert main(["bench", "--summary", "a.jsonl", "b.jsonl", "--json"]) == 0
    summaries = json.loads(capsys.readouterr().out)
    assert [(s["label"], s["strategy"], s["final_pass_at_1"]) for s in summaries] == [("a", "reflexion", 1.0), ("b", "none", 0.0)]
    fixed = json.loads(Path("a.summary.json").read_text())["fixed_tasks"]
    assert main(["bench", "--summary", "a.jsonl", "b.jsonl"]) == 0
    out = capsys.readouterr().out
    assert "none" in out and len(model.prompts) == calls
    assert fixed and f"a: fixed {', '.join(f'{task} (trial {trial})' for task, trial in fixed.items())}; broken none" in out


def test_summary_of_runs_in_progress_compares_the_tasks_they_share(model: PromptModel, capsys) -> None:
    assert main(["bench", "builtin", "--domain", "qa", *TWO, "--out", "a.jsonl"]) == 0
    assert main(["bench", "builtin", "--domain", "qa", "--task", TWO[2], "--strategy", "none", "--out", "b.jsonl"]) == 0
    capsys.readouterr()
    assert main(["bench", "--summary", "a.jsonl", "b.jsonl", "--json"]) == 0
    assert [s["tasks"] for s in json.loads(capsys.readouterr().out)] == [2, 1]
    assert main(["bench", "--summary", "a.jsonl", "b.jsonl", "--common", "--json"]) == 0
    assert [s["tasks"] for s in json.loads(capsys.readouterr().out)] == [1, 1]
    assert main(["bench", "--summary", "a.jsonl", "b.jsonl", "--common"]) == 0
    assert f"a vs b on 1 shared task: 1 ({TWO[2]}) pass only in the first, 0 only in the second" in capsys.readouterr().out


def test_summary_as_markdown_is_a_table_with_a_row_per_file_and_the_changed_tasks_below(model: PromptModel, capsys) -> None:
    assert main(["bench", "builtin", "--domain", "qa", *TWO, "--out", "a.jsonl"]) == 0
    assert main(["bench", "builtin", "--domain", "qa", *TWO, "--strategy", "none", "--out", "b.jsonl"]) == 0
    capsys.readouterr()
    assert main(["bench", "--summary", "a.jsonl", "b.jsonl", "--markdown"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("| run | tasks | trial 1 (single attempt) |") and set(lines[1]) == set("| -")
    assert lines[2].startswith("| `a` | 2 | ") and "**100.0%**" in lines[2]
    assert lines[3].startswith("| `b` | 2 | 0/2 (0.0%) |") and "**0.0%**" in lines[3]
    assert all(line.count("|") == lines[0].count("|") for line in lines[:4])
    assert lines[4] == "" and lines[5].startswith("- a: fixed ") and lines[6].startswith("- a vs b on 2 shared tasks: ")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["data.jsonl"], "cannot tell the domain of 'data.jsonl': pass --domain"),
        (["builtin", "--domain", "qa", "--limit", "0"], "--limit must be a positive number of tasks, got 0"),
        (["builtin", "--domain", "qa", "--limit", "-2"], "--limit must be a positive number of tasks, got -2"),
        (["builtin", "--domain", "qa", "--concurrency", "0"], "--concurrency must be a positive integer, got 0"),
        (["builtin", "--domain", "qa", "--max-trials", "0"], "max trials (--max-trials) must be a positive integer, got 0"),
        (["builtin", "--domain", "qa", "--window", "-1"], "memory window (--window) must be a positive integer, got -1"),
        (["nope.jsonl", "--domain", "qa"], "task file not found: nope.jsonl"),
        (["builtin", "--domain", "nope"], "unknown domain 'nope'"),
        (["builtin", "--domain", "qa", "--task", "plant"], "unknown task id 'plant'; did you mean planet"),
        ([], "give a SOURCE to run"),
        (["builtin", "--summary", "a.jsonl"], "not both"),
        (["--summary", "a.jsonl", "--json", "--markdown"], "give --json or --markdown, not both"),
        (["builtin", "--domain", "qa", "--markdown"], "--markdown goes with --summary FILE ..."),
        (["builtin", "--domain", "qa", "--common"], "--common goes with --summary FILE ..."),
        (["--summary", "missing.jsonl"], "no result file at missing.jsonl"),
    ],
)
def test_bad_input_is_one_line(argv: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("reflexion.models.open_models", lambda *a, **k: pytest.fail("a model was started"))
    assert main(["bench", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1


def test_a_second_bench_on_the_same_file_stops_at_once(model: PromptModel, capsys) -> None:
    OUT.parent.mkdir()
    with FileLock(f"{OUT}.lock"):
        assert main(["bench", "builtin", "--domain", "qa", *TWO]) == 2
    assert "another `reflexion bench` is writing results/qa-builtin-reflexion.jsonl" in capsys.readouterr().err
    assert model.prompts == []


def test_a_model_error_stops_with_one_line_saying_how_to_resume(model: PromptModel, capsys) -> None:
    model.respond = student(fail_reflecting_on={"days-leap"})
    assert main(["bench", "builtin", "--domain", "qa", *TWO]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "error: reflector model at PromptModel failed: RuntimeError: endpoint went away" in err
    assert "resume with: reflexion bench builtin --task sum-primes days-leap --domain qa --strategy reflexion" in err
    assert [json.loads(line)["task_id"] for line in OUT.read_text(encoding="utf-8").splitlines()] == ["sum-primes"]
    model.respond = student()
    assert main(["bench", "builtin", "--domain", "qa", *TWO]) == 0  # the same command picks it up
    assert len(OUT.read_text(encoding="utf-8").splitlines()) == 2


def test_ctrl_c_says_how_to_resume(model: PromptModel, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("reflexion.cli.bench.run_bench", interrupted)
    assert main(["bench", "builtin", "--domain", "qa", "--concurrency", "2", "--out", "x.jsonl"]) == 130
    err = capsys.readouterr().err
    assert "interrupted; resume with: reflexion bench builtin --domain qa --strategy reflexion --max-trials 5 --window 3 --concurrency 2 --out x.jsonl" in err
