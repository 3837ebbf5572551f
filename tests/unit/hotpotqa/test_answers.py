"""Answer normalisation and the label-based scores (exact match, token F1), with properties on any text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reflexion.answers import exact_match, normalize_answer
from reflexion.domains.hotpotqa.evaluation import exact_match_feedback, label_scores, token_f1


@pytest.mark.parametrize(
    ("prediction", "label"),
    [("The Beatles", "beatles"), ("  Bath,  Maine. ", "bath maine"), ("an apple", "Apple"), ('"Jonny" Craig', 'Jonny" Craig')],
)
def test_normalisation_ignores_case_punctuation_articles_and_spacing(prediction: str, label: str) -> None:
    assert exact_match(prediction, label)


@given(st.text())
def test_normalisation_is_idempotent(text: str) -> None:
    once = normalize_answer(text)
    assert normalize_answer(once) == once
    assert once == once.strip() and "  " not in once


@given(st.text(), st.text())
def test_exact_match_is_symmetric_and_f1_bounded(a: str, b: str) -> None:
    assert exact_match(a, b) == exact_match(b, a)
    assert 0.0 <= token_f1(a, b) <= 1.0
    if exact_match(a, b):
        assert token_f1(a, b) == 1.0


def test_token_f1_gives_partial_credit() -> None:
    assert token_f1("Bath", "Bath, Maine") == pytest.approx(2 / 3)
    assert token_f1("Paris", "London") == 0.0


def test_feedback_says_right_or_wrong_without_the_label() -> None:
    wrong = exact_match_feedback("1994", "1961")
    assert wrong == {"score": 0.0, "success": False, "text": "'1994' is not the correct answer."}
    assert "1961" not in wrong["text"]
    assert exact_match_feedback("the 1961", "1961")["success"] is True


def test_label_scores_report_exact_match_f1_and_label() -> None:
    assert label_scores("Bath", "Bath, Maine") == {"passed": False, "exact_match": False, "f1": pytest.approx(2 / 3), "label": "Bath, Maine"}
