"""A second look at a self-written test that fails an implementation the docstring's examples accept.

A small test writer, asked for five tests at once, gets an expected value wrong now and then, and the
loop then spends trials "fixing" a right implementation. Asked again about that one call alone, it
can see its mistake: when its new answer is what the implementation
returned (and not what the test expected), the test is taken to be wrong. Opt-in
(``recheck_self_tests``: how many tests per run may be looked at again); each costs one evaluator call.
"""

from __future__ import annotations

import ast
import re

from reflexion.domains.programming.testplan import equality
from reflexion.llm import RoleModel
from reflexion.prompts import render_prompt

_RESULT = re.compile(r"^\s*result\s*:\s*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)
# The value alone, not a worked answer: asked to work it out step by step, the 0.5B model wrote until
# its 400-token limit and never reached the value (the first task of bench/tuning's made-up set).
MAX_TOKENS = 80


def rederive(llm: RoleModel, task_prompt: str, test: str) -> str | None:
    """The expected value of ``test``'s call worked out again by ``llm`` from the signature and
    docstring alone, as Python source; None when the test is not ``assert <call> == <value>`` or
    the reply holds no readable value."""
    call = call_of(test)
    if call is None:
        return None
    reply = llm.ask(render_prompt("recheck", "programming", task=task_prompt.strip("\n"), call=call), max_tokens=MAX_TOKENS)
    found = _RESULT.findall(reply)
    value = found[-1].strip().strip("`").strip() if found else ""
    return value if literal(value) is not None else None


def contradicts(test: str, rederived: str, actual: str) -> bool:
    """Whether the value worked out again is the implementation's result and not the test's expectation."""
    expected = expected_of(test)
    mine, theirs = literal(rederived), literal(actual)
    return mine is not None and theirs is not None and mine[0] == theirs[0] and (expected is None or expected[0] != mine[0])


def call_of(test: str) -> str | None:
    pair = equality(test)
    return ast.unparse(pair[0]) if pair is not None else None


def expected_of(test: str) -> tuple[object] | None:
    pair = equality(test)
    return literal(ast.unparse(pair[1])) if pair is not None else None


def literal(source: str) -> tuple[object] | None:
    """``(value,)`` for a Python literal's source, else None (a tuple, so that ``None`` is a value too)."""
    try:
        return (ast.literal_eval(source),)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
