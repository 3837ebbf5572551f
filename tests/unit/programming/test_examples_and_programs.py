"""Visible tests from docstrings, and the programs assembled for the sandbox."""

from __future__ import annotations

import ast

from reflexion.domains.programming.examples import docstring_examples
from reflexion.domains.programming.program import hidden_program, implementation_problem, program_for


def test_doctest_and_arrow_examples_become_asserts():
    prompt = '''from typing import List

def digits(s: str) -> List[int]:
    """Digits of s.
    >>> digits('a1b2')
    [1, 2]
    >>> digits('')

    >>> print(digits('7'))
    [7]
    Examples:
        digits("12") => [1, 2]
        digits("x9") ➞ [9]
        digits(abc) => []
        digits("5") == [5].
    """
'''
    assert docstring_examples(prompt, "digits") == [
        "assert digits('a1b2') == [1, 2]",
        "assert digits('12') == [1, 2]",
        "assert digits('x9') == [9]",
        "assert digits('5') == [5]",
    ]  # no expected output, printed output and `abc` (not a Python value) are skipped


def test_no_examples_when_the_prompt_is_not_python():
    assert docstring_examples("Write digits(s).", "digits") == []


def task(prompt: str, entry_point: str, hidden: str = "") -> dict:
    return {"id": "t", "domain": "programming", "prompt": prompt, "data": {"entry_point": entry_point, "hidden_test": hidden}}


def test_the_program_keeps_the_prompts_helpers_and_imports():
    prompt = 'import math\n\ndef poly(xs, x):\n    return sum(c * x ** i for i, c in enumerate(xs))\n\ndef zero(xs):\n    """Find a zero."""\n'
    program = program_for(task(prompt, "zero"), "def zero(xs):\n    return 0.0\n")
    assert program.index("def poly") < program.index("return 0.0")  # the implementation comes last and wins
    assert ast.parse(program)


def test_a_prose_prompt_adds_nothing():
    assert program_for(task("Write zero(xs).", "zero"), "def zero(xs):\n    return 0\n") == "def zero(xs):\n    return 0\n"


def test_humaneval_hidden_tests_get_the_check_call_mbpp_and_asserts_do_not():
    humaneval = "METADATA = {}\n\ndef check(candidate):\n    assert candidate(1) == 2\n"
    mbpp = "def check(candidate):\n    assert candidate(1) == 2\n\ndef test_check():\n    check(inc)\n\ntest_check()\n"
    implementation = "def inc(x):\n    return x + 1\n"
    assert hidden_program(task("def inc(x):\n    pass\n", "inc", humaneval), implementation).rstrip().endswith("check(inc)")
    assert hidden_program(task("def inc(x):\n    pass\n", "inc", mbpp), implementation).count("check(inc)") == 1
    assert (
        hidden_program(task("def inc(x):\n    pass\n", "inc", "assert inc(1) == 2\n"), implementation)
        .rstrip()
        .endswith("assert inc(1) == 2")
    )


def test_implementation_problems():
    assert implementation_problem("", "f") == "the reply contained no Python code"
    assert implementation_problem("def f(:\n", "f").startswith("syntax error")
    assert implementation_problem("def g():\n    pass\n", "f") == "the code does not define a function named `f`"
    assert implementation_problem("def f():\n    pass\n", "f") is None
