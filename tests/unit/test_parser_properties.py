"""Property-based tests: the parsers of model output never raise, whatever the model writes, and
keep their promises (code that parses and defines the entry point; tests that parse and call it)."""

from __future__ import annotations

import ast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reflexion.answers import extract_answer, normalize_answer
from reflexion.domains.programming.extract import extract_code
from reflexion.domains.programming.selftests import parse_tests
from reflexion.verdicts import parse_verdict

# Text that looks like model output: prose, fences, code-ish lines, asserts, junk.
FRAGMENTS = st.sampled_from(
    [
        "```python\n", "```\n", "```py\n", "def f(x):\n", "    return x + 1\n", "def g(y):\n    return y\n",
        "assert f(1) == 2\n", "assert f(", "assert g(2) == 2\n", "  assert f(3) == 4  # ok\n", ">>> assert f(0) == 1\n",
        "- assert f(5) == 6\n", "import math\n", "print(f(2))\n", "Here is the code:\n", "Answer: 42\n", "\n", "\t",
        "if __name__ == '__main__':\n    f(1)\n", "class A:\n    pass\n", "lambda: (", "😀", "\x00", "answer = 3\n",
    ]
)
MODEL_TEXT = st.lists(st.one_of(FRAGMENTS, st.text(max_size=30)), max_size=12).map("".join)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(MODEL_TEXT)
def test_extractor_never_raises_and_usable_code_parses_and_defines_the_entry_point(reply):
    extraction = extract_code(reply, "f")
    if extraction.problem is None:
        tree = ast.parse(extraction.code)
        assert any(isinstance(node, ast.FunctionDef) and node.name == "f" for node in tree.body)
    else:
        assert isinstance(extraction.problem, str) and extraction.problem


@SETTINGS
@given(MODEL_TEXT, st.integers(min_value=0, max_value=6))
def test_test_filter_keeps_at_most_limit_parseable_unique_asserts_that_call_the_entry_point(reply, limit):
    result = parse_tests(reply, "f", known_names=set(), limit=limit)
    assert len(result.tests) <= limit and result.found >= len(result.tests)
    assert len(set(result.tests)) == len(result.tests)
    for line in result.tests:
        statement = ast.parse(line).body[0]
        assert isinstance(statement, ast.Assert)
        called = {n.func.id for n in ast.walk(statement) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
        assert "f" in {n.id for n in ast.walk(statement) if isinstance(n, ast.Name)} or "f" in called


@SETTINGS
@given(MODEL_TEXT)
def test_answer_parser_never_raises_and_returns_a_single_line(reply):
    answer = extract_answer(reply)
    assert answer is None or ("\n" not in answer and answer == answer.strip() and answer)


@SETTINGS
@given(st.text(max_size=60))
def test_normalisation_is_idempotent(text):
    once = normalize_answer(text)
    assert normalize_answer(once) == once


@pytest.mark.parametrize(
    ("reply", "verdict"),
    [
        ("Reasoning...\nVerdict: yes", True),
        ("Verdict: **No**", False),
        ("The answer is not correct", None),  # a positive word outside "Verdict:" never reads as yes
        ("The task was not completed", None),
        ("The answer is incorrect", False),
        ("Yes.", True),
        ("", None),
    ],
)
def test_judge_verdicts(reply, verdict):
    assert parse_verdict(reply) is verdict


@SETTINGS
@given(MODEL_TEXT)
def test_verdict_parser_never_raises(reply):
    assert parse_verdict(reply) in (True, False, None)
