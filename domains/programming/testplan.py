"""The internal tests one trial runs, and how their results rank an implementation.

Two kinds of test: the task's visible examples (its docstring's, which the task itself states, so
they are ground truth) and the tests the evaluator model wrote (which a small model gets wrong now
and then). A self-written test that gives one of the visible calls another expected result is
provably wrong and is dropped. An implementation is ranked first by the visible examples it passes,
then by the self-written tests it passes, so an implementation that passes every example is never
ranked below one that breaks an example to satisfy a wrong self-written test.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class TestPlan:
    visible: list[str] = field(default_factory=list)  # ground truth: the task's own examples
    own: list[str] = field(default_factory=list)  # written by the evaluator model
    dropped: list[str] = field(default_factory=list)  # self-written tests that contradict a visible example

    @property
    def tests(self) -> list[str]:
        return [*self.visible, *self.own]

    def without(self, wrong: list[str]) -> TestPlan:
        """The plan less the self-written tests found wrong (the examples are never dropped)."""
        if not wrong:
            return self
        return TestPlan(visible=self.visible, own=[t for t in self.own if t not in wrong], dropped=[*self.dropped, *wrong])

    def score(self, passed: Sequence[bool]) -> float:
        """In [0, 1], 1 only when every test passed; lexicographic: one more visible example passed
        outweighs every self-written test."""
        visible, own = list(passed[: len(self.visible)]), list(passed[len(self.visible) :])
        weight = len(own) + 1
        total = len(visible) * weight + len(own)
        return (sum(visible) * weight + sum(own)) / total if total else 0.0


def plan(visible: Sequence[str], own: Sequence[str]) -> TestPlan:
    """The visible examples, then the self-written tests that neither repeat nor contradict one."""
    expected: dict[str, ast.expr] = {}
    for test in visible:
        if (pair := _call_and_expected(test)) is not None:
            expected[pair[0]] = pair[1]
    kept: list[str] = []
    dropped: list[str] = []
    for test in own:
        pair = _call_and_expected(test)
        if test in visible or (pair is not None and pair[0] in expected and _same_value(expected[pair[0]], pair[1])):
            continue  # the same example again
        if pair is not None and pair[0] in expected:
            dropped.append(test)
        else:
            kept.append(test)
    return TestPlan(visible=list(visible), own=kept, dropped=dropped)


def equality(test: str) -> tuple[ast.expr, ast.expr] | None:
    """``(<expr f(1, 2)>, <expr 3>)`` for ``assert f(1, 2) == 3``; None for any other shape."""
    try:
        tree = ast.parse(test)
    except SyntaxError:
        return None
    if len(tree.body) != 1 or not isinstance(statement := tree.body[0], ast.Assert):
        return None
    compare = statement.test
    if not isinstance(compare, ast.Compare) or len(compare.ops) != 1 or not isinstance(compare.ops[0], ast.Eq):
        return None
    return compare.left, compare.comparators[0]


def _call_and_expected(test: str) -> tuple[str, ast.expr] | None:
    """``(<the call, dumped>, <expr 3>)`` for ``assert f(1, 2) == 3``: the call as a key."""
    pair = equality(test)
    return (ast.dump(pair[0]), pair[1]) if pair is not None else None


def _same_value(a: ast.expr, b: ast.expr) -> bool:
    try:
        return bool(ast.literal_eval(a) == ast.literal_eval(b))
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return ast.dump(a) == ast.dump(b)
