"""Exact tests on the tasks that changed: the binomial arithmetic, and two files compared task by task."""

from __future__ import annotations

import pytest

from reflexion.bench.significance import exact_p, paired


def test_exact_p_is_the_two_sided_binomial_tail() -> None:
    assert exact_p(8, 0) == pytest.approx(2 / 2**8)  # all eight one way
    assert exact_p(7, 2) == pytest.approx(2 * (1 + 9 + 36) / 2**9)
    assert exact_p(2, 7) == exact_p(7, 2)
    assert exact_p(3, 3) == 1.0 and exact_p(1, 0) == 1.0  # capped: a two-sided p never exceeds 1
    assert exact_p(0, 0) is None


def test_paired_counts_only_the_shared_tasks_that_one_file_alone_passed() -> None:
    first = [{"task_id": t, "passed": ok} for t, ok in [("a", True), ("b", True), ("c", False), ("d", True), ("x", True)]]
    second = [{"task_id": t, "passed": ok} for t, ok in [("d", False), ("c", True), ("b", True), ("a", False), ("y", False)]]
    result = paired(("one", first), ("two", second))
    assert (result.tasks, result.only_first, result.only_second) == (4, ["a", "d"], ["c"])
    assert result.p == exact_p(2, 1)
    assert str(result) == (
        "one vs two on 4 shared tasks: 2 (a, d) pass only in the first, 1 (c) only in the second (exact McNemar p = 1)"
    )
    same = paired(("one", first), ("one again", first))
    assert same.p is None and "0 pass only in the first, 0 only in the second (exact McNemar p = n/a)" in str(same)
