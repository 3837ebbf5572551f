"""The summary math on hand-made rows: learning curve, false positives/negatives, cost per solved task."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from rich.console import Console

from reflexion.bench import Ratio, summarize
from reflexion.bench.report import changed_tasks, markdown_table, summary_table


def row(task_id: str, outcome: str, trials: int, passed: bool, *, final: dict | None = None, max_trials: int = 3,
        calls: int = 2, tokens: int = 100, wall_s: float = 1.0) -> dict:
    return {
        "task_id": task_id, "domain": "programming", "strategy": "reflexion", "max_trials": max_trials,
        "outcome": outcome, "trials": trials, "passed": passed, "final": final,
        "usage": {"actor": {"calls": calls, "input_tokens": tokens - 10, "output_tokens": 10}}, "wall_s": wall_s,
    }


ROWS = [
    row("a", "solved", 1, True, final={"passed": True}),
    row("b", "solved", 2, True, final={"passed": True}),
    row("c", "solved", 1, False, final={"passed": False}),  # the self-tests passed a wrong solution
    row("d", "failed", 3, True, final={"hidden_passed": True}, calls=6, tokens=400),  # the self-tests failed a right one
    row("e", "failed", 3, False, final={"passed": False}, calls=6, tokens=400),
]


def test_learning_curve_counts_a_task_from_the_trial_its_loop_ended() -> None:
    summary = summarize(ROWS)
    assert summary.tasks == 5
    assert summary.solved_by_trial == [1, 2, 3]  # a at 1; b at 2; d (hidden pass after giving up) at 3
    assert summary.curve == [0.2, 0.4, 0.6]
    assert (summary.baseline, summary.final, summary.solved) == (0.2, 0.6, 3)


def test_false_positives_and_negatives_are_shares_of_the_loops_own_verdicts() -> None:
    summary = summarize(ROWS)
    assert summary.false_positives == Ratio(1, 3)  # c of {a, b, c}
    assert summary.false_negatives == Ratio(1, 2)  # d of {d, e}
    assert str(summary.false_positives) == "1/3 (33.3%)"


def test_trials_run_after_the_answer_already_passed_are_counted() -> None:
    rows = [
        {**row("a", "solved", 1, True, final={"passed": True}), "passed_by_trial": [True]},
        {**row("b", "failed", 3, True, final={"hidden_passed": True}), "passed_by_trial": [True, True, True]},  # rejected twice
        {**row("c", "solved", 3, True, final={"passed": True}), "passed_by_trial": [False, True, True]},
        {**row("d", "failed", 3, False, final={"passed": False}), "passed_by_trial": [False, False, False]},
        row("e", "solved", 2, True, final={"passed": True}),  # an old row without passed_by_trial: not counted
    ]
    summary = summarize(rows)
    assert (summary.after_pass, summary.after_pass_tasks) == (Ratio(3, 10), 2)  # b: 2, c: 1, of 1 + 3 + 3 + 3 trials
    assert summary.to_dict()["trials_after_a_passing_answer"] == {"count": 3, "of": 10, "rate": 0.3}
    assert summarize(ROWS).after_pass is None


def test_fixed_and_broken_tasks_are_named_with_the_trial_a_fix_first_passed() -> None:
    rows = [
        {**row("kept", "solved", 1, True, final={"passed": True}), "passed_by_trial": [True]},
        {**row("late", "solved", 3, True, final={"passed": True}), "passed_by_trial": [False, False, True]},
        {**row("early", "failed", 3, True, final={"hidden_passed": True}), "passed_by_trial": [False, True, True]},
        {**row("lost", "failed", 3, False, final={"passed": False}), "passed_by_trial": [True, True, False]},
        row("old", "solved", 2, True, final={"passed": True}),  # no passed_by_trial: fixed where its loop ended
    ]
    summary = summarize(rows, label="run")
    assert summary.fixed_tasks == {"late": 3, "early": 2, "old": 2} and summary.broken_tasks == ["lost"]
    assert (summary.fixed, summary.broken) == (3, 1)
    assert summary.lift_p == pytest.approx(2 * (1 + 4) / 2**4)  # 3 fixed against 1 broken
    assert summarize(rows[:1]).lift_p is None
    data = summary.to_dict()
    assert data["fixed_tasks"] == {"late": 3, "early": 2, "old": 2} and data["broken_tasks"] == ["lost"]
    assert data["lift_sign_test_p"] == summary.lift_p
    assert changed_tasks([summary, summarize(rows[:1], label="none")]) == [
        "run: fixed late (trial 3), early (trial 2), old (trial 2); broken lost"
    ]


def test_cost_per_solved_task_counts_failed_tasks_too() -> None:
    summary = summarize(ROWS)
    assert (summary.calls, summary.tokens) == (18, 1100)
    assert summary.per_solved(summary.calls) == 6.0
    assert summary.per_solved(summary.tokens) == 1100 / 3
    assert summary.wall_s == 5.0


def test_without_a_final_pass_flag_the_loops_verdict_counts_and_fp_fn_are_not_applicable() -> None:
    rows = [row("a", "solved", 2, True), row("b", "failed", 3, False, final={"f1": 0.4})]  # a score, but no pass flag
    summary = summarize(rows)
    assert summary.curve == [0.0, 0.5, 0.5]
    assert summary.false_positives is None and summary.false_negatives is None
    assert summary.to_dict()["false_positives"] is None


def test_the_curve_reaches_the_largest_budget_and_empty_files_have_none() -> None:
    assert summarize([row("a", "solved", 1, True, max_trials=1)]).curve == [1.0]
    assert summarize([row("a", "failed", 2, False, max_trials=2), row("b", "solved", 4, True, max_trials=4)]).solved_by_trial == [0, 0, 0, 1]
    empty = summarize([])
    assert (empty.tasks, empty.curve, empty.baseline, empty.final, empty.per_solved(10)) == (0, [], None, None, None)
    assert Ratio(0, 0).rate is None and str(Ratio(0, 0)) == "0/0 (n/a)"


def test_machine_readable_summary_and_table() -> None:
    summary = summarize(ROWS, label="run-a")
    data = json.loads(json.dumps(summary.to_dict()))
    assert data["pass_at_1_by_trial"] == [0.2, 0.4, 0.6]
    assert data["false_positives"] == {"count": 1, "of": 3, "rate": 1 / 3}
    assert data["tokens_per_solved"] == 1100 / 3 and data["calls_per_solved"] == 6.0
    assert data["usage"]["actor"]["calls"] == 18

    out = StringIO()
    Console(file=out, width=200).print(summary_table([summary, summarize(ROWS[:2], label="run-b")]))
    text = out.getvalue()
    assert "run-a" in text and "run-b" in text
    assert "20.0% (1/5)" in text and "60.0% (3/5)" in text and "1/3 (33.3%)" in text
    assert "100.0% (2/2)" in text  # run-b's curve stays at its final value in the longer table


def test_markdown_table_has_one_row_per_summary_with_the_curve_to_the_longest_budget() -> None:
    rows = [row("a", "solved", 1, True, final={"passed": True}, max_trials=2), row("b", "solved", 2, True, final={"passed": True}, max_trials=2)]
    text = markdown_table([summarize(ROWS, label="run-a"), summarize(rows, label="run|b")])
    head, rule, first, second = text.splitlines()
    assert "| solved after trial 1 / 2 / 3 |" in head and rule.count("---") == head.count("|") - 1
    cells = [cell.strip() for cell in first.strip("|").split(" | ")]
    assert cells[:7] == ["`run-a`", "5", "1/5 (20.0%)", "1 / 2 / 3", "**60.0%**", "+40.0", "2 / 0"]
    assert cells[7] == "0.5"  # 2 fixed, 0 broken
    assert cells[8:] == ["1/3", "1/2", "n/a", "18 (6.0)", "1,100 (367)", "1 s"]
    assert second.startswith("| `run\\|b` | 2 | 1/2 (50.0%) | 1 / 2 / 2 |")  # a shorter run stays at its final value; a | is escaped
