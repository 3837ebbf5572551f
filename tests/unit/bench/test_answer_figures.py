"""bench/answers.py on hand-made rows: wrong answers given again, word for word or only after normalising."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from reflexion.domains import get_domain
from reflexion.domains.base import Attempt
from reflexion.domains.hotpotqa.evaluation import exact_match_feedback

NO_ANSWER = get_domain("hotpotqa-cot-gt").no_answer_feedback(Attempt(""))


@pytest.fixture(scope="module")
def answers(bench_script: Callable[[str], ModuleType]) -> ModuleType:
    return bench_script("answers")


def verdicts(*answers: str | None, label: str = "no") -> list[dict[str, object]]:
    """Verdicts as the exact-match evaluator writes them (None: the trial gave no answer)."""
    out = []
    for answer in answers:
        if answer is None:
            out.append({"success": False, "feedback": NO_ANSWER})
        else:
            feedback = exact_match_feedback(answer, label)
            out.append({"success": feedback["success"], "feedback": feedback["text"]})
    return out


EXACT = {"evaluator": "exact"}
ROWS = [
    # "Yes" wrong; "Yes." is it again after normalising, "Yes" again word for word; no answer; then right.
    {"task_id": "a", "domain_settings": EXACT, "verdicts": verdicts("Yes", "Yes.", "Yes", None, "no")},
    # A new wrong answer each time, one with a quote inside it.
    {"task_id": "b", "domain_settings": EXACT, "verdicts": verdicts("Sam's Club", "Paris", "the Sam's club")},
    {"task_id": "c", "domain_settings": EXACT, "verdicts": verdicts("no")},
    # Another evaluator's rows are not read.
    {"task_id": "d", "domain_settings": {"evaluator": "llm"}, "verdicts": verdicts("x", "x")},
]


def test_answers_are_read_back_from_the_evaluators_own_feedback(answers: ModuleType) -> None:
    assert answers.answer_of(exact_match_feedback("Sam's Club", "x")["text"]) == "Sam's Club"
    assert answers.answer_of(exact_match_feedback("no", "no")["text"]) == "no"
    assert answers.answer_of(NO_ANSWER) is None


def test_later_trials_that_give_a_wrong_answer_again_are_counted(answers: ModuleType) -> None:
    f = answers.figures(answers.exact_match_rows(ROWS))
    assert (f.tasks, f.later, f.again, f.verbatim, f.no_answer) == (3, 6, 3, 1, 1)


def test_the_script_prints_the_figures_keeps_common_tasks_and_refuses_a_missing_file(answers: ModuleType, tmp_path: Path, capsys) -> None:
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text("".join(json.dumps(row) + "\n" for row in ROWS), encoding="utf-8")
    second.write_text(json.dumps(ROWS[1]) + "\n", encoding="utf-8")
    assert answers.main([str(first)]) == 0
    assert "3 exact-match tasks, 6 later trials: 3 gave an answer already marked wrong (50%; 1 word for word), 1 no answer" in capsys.readouterr().out
    assert answers.main([str(first), str(second), "--common"]) == 0
    out = capsys.readouterr().out
    assert out.count("1 exact-match tasks, 2 later trials: 1 gave an answer already marked wrong (50%; 0 word for word), 0 no answer") == 2
    assert answers.main([str(tmp_path / "none.jsonl")]) == 1
    assert "no result file at" in capsys.readouterr().err
