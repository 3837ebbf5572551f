"""A scripted model for HumanEval/0 and /1 through the programming domain, for the stub
(``reflexion.testing.openai_stub``): the bench's tests run it locally and on a Ray cluster."""

from __future__ import annotations

from reflexion.testing.openai_stub import Rule

# HumanEval/0: wrong until a reflection names the bug. HumanEval/1: right at once, but one of the
# evaluator's own tests is wrong, so the loop gives up on a solution the hidden tests pass.
CLOSE_BAD = "```python\ndef has_close_elements(numbers, threshold):\n    return False\n```"
CLOSE_GOOD = """```python
def has_close_elements(numbers, threshold):
    return any(abs(a - b) < threshold for i, a in enumerate(numbers) for b in numbers[i + 1:])
```"""
PARENS_GOOD = """```python
def separate_paren_groups(paren_string):
    groups, current, depth = [], "", 0
    for c in paren_string.replace(" ", ""):
        current += c
        depth += {"(": 1, ")": -1}[c]
        if depth == 0:
            groups.append(current)
            current = ""
    return groups
```"""
HUMANEVAL_RULES = [
    Rule("assert has_close_elements([1.0, 2.0, 3.0], 0.5) == False\nassert has_close_elements([1.0, 2.8, 3.0, 4.0, 5.0, 2.0], 0.3) == True",
         model="stub-evaluator", when="has_close_elements"),
    Rule("assert separate_paren_groups('( ) (( ))') == ['()', '(())']\nassert separate_paren_groups('()') == []", model="stub-evaluator"),
    Rule("Lesson A: compare every pair of numbers.", model="stub-reflector", when="has_close_elements"),
    Rule("Lesson B: the tests may be wrong.", model="stub-reflector"),
    Rule(CLOSE_GOOD, model="stub-actor", when="Lesson A"),
    Rule(CLOSE_BAD, model="stub-actor", when="def has_close_elements"),
    Rule(PARENS_GOOD, model="stub-actor"),
]
