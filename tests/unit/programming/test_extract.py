"""Getting the implementation out of every shape of reply; unusable replies are reported, not raised."""

from __future__ import annotations

import pytest

from reflexion.domains.programming.extract import extract_code

ADD = "def add(a, b):\n    return a + b\n"


@pytest.mark.parametrize(
    "reply",
    [
        f"```python\n{ADD}```",
        f"Here you go:\n\n```\n{ADD}```\nThis adds the numbers.",
        f"```py\n{ADD}```",
        f"```Python3\n{ADD}```",
        f"```python\n{ADD}",  # the fence is never closed
        ADD,  # no fence at all
        f"Sure! The function is below.\n\n{ADD}\nIt returns the sum of a and b.",  # code inside prose
    ],
)
def test_the_function_is_found_in_any_reply_shape(reply):
    extraction = extract_code(reply, "add")
    assert extraction.problem is None
    assert extraction.code.strip() == ADD.strip()


def test_the_last_block_that_defines_the_entry_point_wins():
    reply = (
        "First try:\n```python\ndef add(a, b):\n    return a - b\n```\n"
        "Oops, fixed:\n```python\ndef add(a, b):\n    return a + b\n```\n"
        "Usage:\n```python\nprint(add(1, 2))\n```"
    )
    assert extract_code(reply, "add").code.strip() == ADD.strip()


def test_non_python_blocks_are_ignored():
    reply = f"```text\ndef add(a, b): nonsense\n```\n```python\n{ADD}```\n```bash\npython add.py\n```"
    assert extract_code(reply, "add").code.strip() == ADD.strip()


def test_imports_and_helpers_from_other_blocks_are_kept():
    reply = (
        "```python\nimport math\n\ndef _square(x):\n    return x * x\n```\n"
        "```python\ndef hyp(a, b):\n    return math.sqrt(_square(a) + _square(b))\n```"
    )
    code = extract_code(reply, "hyp").code
    assert "import math" in code and "def _square" in code and "def hyp" in code
    assert code.index("def _square") < code.index("def hyp")


def test_example_runs_are_dropped_but_definitions_kept():
    reply = (
        "```python\nfrom typing import List\nLIMIT = 10\n\n@staticmethod\ndef helper(x):\n    return x\n\n"
        "def add(a, b):\n    return helper(a) + b\n\nprint(add(1, 2))\nassert add(1, 1) == 2\n"
        "if __name__ == '__main__':\n    add(int(input()), 2)\n```"
    )
    code = extract_code(reply, "add").code
    assert "print(" not in code and "assert" not in code and "__main__" not in code and "input()" not in code
    assert "from typing import List" in code and "LIMIT = 10" in code and "@staticmethod" in code


def test_a_reply_that_continues_the_prompt_body_counts():
    prompt = 'def add(a, b):\n    """Add."""\n'
    extraction = extract_code("    return a + b\n", "add", prompt=prompt)
    assert extraction.problem is None
    assert extraction.code.startswith("def add(a, b):") and "return a + b" in extraction.code


def test_a_full_reply_without_the_entry_point_is_not_completed_with_the_prompt_stub():
    prompt = 'def add(a, b):\n    """Add."""\n'
    extraction = extract_code("```python\ndef plus(a, b):\n    return a + b\n```", "add", prompt=prompt)
    assert extraction.problem == "the code does not define a function named `add`"
    assert "def plus" in extraction.code


@pytest.mark.parametrize(
    ("reply", "problem", "code"),
    [
        ("", "no Python code found in the reply", ""),
        ("I cannot help with that.", "no Python code found in the reply", ""),
        (
            "```python\ndef add(a, b)\n    return a + b\n```",
            "syntax error: expected ':' (line 1)",
            "def add(a, b)\n    return a + b\n",
        ),
        ("```python\nx = 1\n```", "the code does not define a function named `add`", "x = 1\n"),
    ],
)
def test_unusable_replies_say_why(reply, problem, code):
    extraction = extract_code(reply, "add")
    assert extraction.problem == problem
    assert extraction.code == code


def test_windows_line_endings_are_fine():
    assert extract_code("```python\r\ndef add(a, b):\r\n    return a + b\r\n```", "add").problem is None
