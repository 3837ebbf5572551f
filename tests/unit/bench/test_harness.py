"""The harness as a function: result rows, resuming a half-finished bench, concurrency, stopping."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from reflexion.bench import bench_thread_id, read_rows, summarize
from reflexion.checkpoint import open_checkpointer
from reflexion.domains.qa import QADomain
from reflexion.errors import ModelError, SettingsError
from reflexion.graphs import build_graph
from reflexion.runner import thread_config

from .fakes import NO_LESSONS, PromptModel, asked_about, ctrl_c, student

THREE = ["sum-primes", "days-leap", "water"]


def lines(path: Path) -> list[dict[str, Any]]:
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def test_one_result_line_per_task_with_verdicts_reflections_and_usage(bench, tmp_path: Path) -> None:
    model = PromptModel(respond=student(easy={"sum-primes"}, never={"water"}))
    run = bench(model, THREE)
    assert (run.total, run.skipped, len(run.written)) == (3, 0, 3)
    rows = {row["task_id"]: row for row in lines(tmp_path / "results.jsonl")}
    assert set(rows) == set(THREE)

    easy, learnt, hopeless = rows["sum-primes"], rows["days-leap"], rows["water"]
    assert easy["thread_id"] == bench_thread_id(tmp_path / "results.jsonl", "sum-primes", "reflexion")
    assert (easy["domain"], easy["strategy"], easy["max_trials"], easy["memory_window"]) == ("qa", "reflexion", 3, 3)
    assert (easy["outcome"], easy["trials"], easy["candidate"], easy["passed"], easy["final"]) == ("solved", 1, "28", True, None)
    assert easy["verdicts"] == [{"trial": 1, "score": 1.0, "success": True, "feedback": "'28' is correct."}]
    assert easy["reflections"] == [] and easy["usage"]["actor"]["calls"] == 1
    assert easy["wall_s"] >= 0 and easy["resumed"] is False

    assert (learnt["outcome"], learnt["trials"], learnt["passed"]) == ("solved", 2, True)
    assert [v["success"] for v in learnt["verdicts"]] == [False, True]
    assert len(learnt["reflections"]) == 1
    assert learnt["usage"]["actor"]["calls"] == 2 and learnt["usage"]["reflector"]["calls"] == 1
    assert learnt["usage"]["actor"]["input_tokens"] > 0

    assert (hopeless["outcome"], hopeless["trials"], hopeless["passed"]) == ("failed", 3, False)
    assert len(hopeless["reflections"]) == 2

    assert summarize(rows.values()).solved_by_trial == [1, 2, 2]
    with open_checkpointer(tmp_path / "checkpoints.sqlite") as saver:  # each task has its own thread
        values = build_graph(saver).get_state(thread_config(learnt["thread_id"])).values
    assert values["outcome"] == "solved" and values["task"]["id"] == "days-leap"


def test_rerun_resumes_a_half_finished_bench_without_redoing_or_duplicating(bench, tmp_path: Path) -> None:
    tasks = ["sum-primes", "days-leap", "legs", "hexagon"]
    broken = PromptModel(respond=student(easy={"sum-primes"}, fail_reflecting_on={"legs"}))
    with pytest.raises(ModelError, match="reflector model .* failed: RuntimeError: endpoint went away"):
        bench(broken, tasks)
    assert [row["task_id"] for row in lines(tmp_path / "results.jsonl")] == ["sum-primes", "days-leap"]
    assert not asked_about(broken, "hexagon")  # the bench stopped at the failure

    model = PromptModel(respond=student(easy={"sum-primes"}))
    run = bench(model, tasks)
    assert (run.total, run.skipped, [r["task_id"] for r in run.written]) == (4, 2, ["legs", "hexagon"])
    assert not asked_about(model, "sum-primes") and not asked_about(model, "days-leap")  # finished: not redone
    legs = asked_about(model, "legs")  # continued at its reflection: trial 1 not attempted again
    assert not [p for p in legs if NO_LESSONS in p] and len(legs) == 2
    rows = lines(tmp_path / "results.jsonl")
    assert [row["task_id"] for row in rows] == tasks
    by_id = {row["task_id"]: row for row in rows}
    assert by_id["legs"]["resumed"] is True and by_id["hexagon"]["resumed"] is False
    assert by_id["legs"]["trials"] == 2 and by_id["legs"]["passed"] is True
    assert by_id["legs"]["usage"]["actor"]["calls"] == 2  # the thread's whole usage, both processes

    again = PromptModel(respond=student())
    assert bench(again, tasks).written == [] and again.prompts == []  # all done: nothing runs


def test_a_thread_finished_but_not_yet_written_is_written_without_model_calls(bench, tmp_path: Path) -> None:
    bench(PromptModel(respond=student(easy={"sum-primes"})), THREE[:2])
    path = tmp_path / "results.jsonl"
    first, second = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(first + second[:-30], encoding="utf-8")  # killed while writing the last line

    model = PromptModel(respond=student())
    run = bench(model, THREE[:2])
    assert [row["task_id"] for row in run.written] == ["days-leap"] and model.prompts == []
    rows = lines(path)
    assert [row["task_id"] for row in rows] == THREE[:2]
    assert rows[1]["outcome"] == "solved" and rows[1]["trials"] == 2


def test_concurrent_tasks_write_each_row_once_with_the_same_results(bench, tmp_path: Path) -> None:
    every = [task["id"] for task in QADomain().load_tasks()]
    answer = student(easy={"sum-primes", "planet"}, never={"water"})
    in_flight, most = [0], [0]
    lock = threading.Lock()

    def slow(prompt: str) -> str:  # slow enough for the workers' calls to overlap
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        time.sleep(0.02)
        with lock:
            in_flight[0] -= 1
        return answer(prompt)

    run = bench(PromptModel(respond=slow), concurrency=4)
    assert most[0] > 1  # tasks really ran at once
    assert len(run.written) == len(every)
    rows = lines(tmp_path / "results.jsonl")
    assert sorted(row["task_id"] for row in rows) == sorted(every)
    summary = summarize(rows)
    assert summary.solved_by_trial == [2, 7, 7]
    # easy: 1 call each; learnt: 2; never: 1 + 2 + 2 (a retry that repeats its answer is drawn again once)
    assert summary.usage["actor"]["calls"] == 2 * 1 + 5 * 2 + 1 * 5


def test_a_model_error_stops_concurrent_workers_and_the_rerun_finishes_all(bench, tmp_path: Path) -> None:
    broken = PromptModel(respond=student(fail_reflecting_on={"days-leap"}))
    with pytest.raises(ModelError):
        bench(broken, concurrency=3)
    written = [row["task_id"] for row in read_rows(tmp_path / "results.jsonl")]
    assert "days-leap" not in written
    bench(PromptModel(respond=student()), concurrency=3)
    rows = read_rows(tmp_path / "results.jsonl")
    assert len(rows) == len({row["task_id"] for row in rows}) == 8
    assert all(row["passed"] for row in rows)


def test_ctrl_c_leaves_a_resumable_bench(bench, tmp_path: Path) -> None:
    interrupted = PromptModel(respond=student(fail_reflecting_on={"days-leap"}, error=ctrl_c))
    with pytest.raises(KeyboardInterrupt):
        bench(interrupted, THREE)
    assert [row["task_id"] for row in read_rows(tmp_path / "results.jsonl")] == ["sum-primes"]
    model = PromptModel(respond=student())
    run = bench(model, THREE)
    assert [row["task_id"] for row in run.written] == ["days-leap", "water"]
    assert not [p for p in asked_about(model, "days-leap") if NO_LESSONS in p]


class LenientQA(QADomain):
    """Its evaluator accepts any answer; the final score checks the label (like hidden tests)."""

    def evaluate(self, step, attempt):
        evaluation = super().evaluate(step, attempt)
        evaluation.feedback = {"score": 1.0, "success": bool(attempt.candidate), "text": "looks fine"}
        return evaluation

    def score(self, task, candidate):
        return {"hidden_passed": candidate == task["data"]["answer"], "tests": 1}


def test_final_score_is_recorded_and_false_positives_are_counted(bench, tmp_path: Path) -> None:
    bench(PromptModel(respond=student(easy={"sum-primes"})), THREE, domain=LenientQA())
    rows = {row["task_id"]: row for row in read_rows(tmp_path / "results.jsonl")}
    assert rows["sum-primes"]["final"] == {"hidden_passed": True, "tests": 1} and rows["sum-primes"]["passed"]
    assert rows["days-leap"]["outcome"] == "solved" and rows["days-leap"]["passed"] is False  # a false positive
    summary = summarize(rows.values())
    assert str(summary.false_positives) == "2/3 (66.7%)" and str(summary.false_negatives) == "0/0 (n/a)"
    assert summary.solved_by_trial == [1, 1, 1]


def test_one_result_file_holds_one_experiment(bench) -> None:
    bench(PromptModel(respond=student()), THREE[:1])
    with pytest.raises(SettingsError, match="holds results with --max-trials 3 .* not 5; use the same settings"):
        bench(PromptModel(respond=student()), THREE, max_trials=5)
    with pytest.raises(SettingsError, match="--strategy reflexion"):
        bench(PromptModel(respond=student()), THREE, strategy="last_attempt")
    with pytest.raises(SettingsError, match="--concurrency must be a positive integer"):
        bench(PromptModel(respond=student()), THREE, concurrency=0)


def test_strategy_none_is_a_single_trial_baseline(bench, tmp_path: Path) -> None:
    run = bench(PromptModel(respond=student(easy={"sum-primes"})), THREE, strategy="none")
    assert [(row["trials"], row["max_trials"]) for row in run.written] == [(1, 1)] * 3
    assert summarize(run.written).curve == [1 / 3]


class _HiddenAnswerDomain(QADomain):
    """The loop's own evaluator never accepts an answer; the final scoring knows the right one."""

    def evaluate(self, step, attempt):
        evaluation = super().evaluate(step, attempt)
        return type(evaluation)({**evaluation.feedback, "success": False, "score": 0.0, "text": "not sure"}, evaluation.domain_data)

    def score(self, task, candidate):
        return {"passed": candidate == task["data"]["answer"]}


def test_the_learning_curve_scores_the_answer_after_each_trial_not_only_the_last(bench, tmp_path: Path) -> None:
    """Right at trial 1, "fixed" into a wrong answer at trial 2: the curve reads 1/1 then 0/1, and
    the baseline is the first attempt itself (no separate single-attempt run needed)."""
    answers = iter(["Answer: 28", "Answer: 27"])

    def respond(prompt: str) -> str:
        return "I will think harder." if "Your attempt:" in prompt else next(answers)

    bench(PromptModel(respond=respond), ["sum-primes"], domain=_HiddenAnswerDomain(), max_trials=2)
    [row] = lines(tmp_path / "results.jsonl")
    assert row["passed_by_trial"] == [True, False]
    assert (row["final_trial"], row["candidate"], row["passed"]) == (2, "27", False)  # equal scores: the latest
    assert row["final"] == {"passed": False}
    summary = summarize([row])
    assert summary.solved_by_trial == [1, 0] and summary.baseline == 1.0 and summary.final == 0.0
    assert (summary.fixed, summary.broken) == (0, 1) and summary.to_dict()["lift"] == -1.0


def test_rows_record_repeats_and_the_retry_temperature(bench, tmp_path: Path) -> None:
    bench(PromptModel(respond=student(never={"water"})), ["water"], retry_temperature=0.5)
    [row] = lines(tmp_path / "results.jsonl")
    assert row["repeats"] == [None, 1, 2] and row["retry_temperature"] == 0.5
    with pytest.raises(SettingsError, match="--retry-temperature 0.5 .*not 0.7"):
        bench(PromptModel(respond=student()), ["water"])  # another setting: another experiment, another file


class _Tuned(QADomain):
    def __init__(self, level: str = "easy") -> None:
        self.level = level

    def settings(self) -> dict[str, Any]:
        return {"level": self.level}


def test_one_result_file_holds_one_set_of_domain_settings(bench, tmp_path: Path) -> None:
    bench(PromptModel(respond=student(easy={"sum-primes"})), ["sum-primes"], domain=_Tuned("easy"))
    [row] = lines(tmp_path / "results.jsonl")
    assert row["domain_settings"] == {"level": "easy"}
    with pytest.raises(SettingsError, match=r"holds results made with other qa settings \(level: level='easy'\)"):
        bench(PromptModel(respond=student()), ["days-leap"], domain=_Tuned("hard"))
