"""Visible tests: the worked examples of a docstring, as ``assert`` lines. Two styles are read:
doctest (``>>> f(2)`` then ``4``) and arrows on one line (``f(2) => 4``, ``f(2) ➞ 4``, ``f(2) == 4``).

HumanEval's prompts carry such examples; they are part of the task text the model already reads,
so using them as tests leaks nothing (unlike the dataset's hidden tests).
"""

from __future__ import annotations

import ast
import doctest
import re

from reflexion.domains.programming.pysource import BUILTIN_NAMES, free_names, parse, top_level_names

_ARROW = re.compile(r"\s*(?:==>|=>|➞|->|→|==|should return|returns)\s*")


def docstring_examples(prompt: str, entry_point: str) -> list[str]:
    """``assert <call> == <expected>`` for each docstring example of ``entry_point`` whose call
    and expected output are both Python expressions; printed output and prose are skipped."""
    tree = parse(prompt)
    if tree is None:
        return []
    function = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == entry_point), None)
    docstring = ast.get_docstring(function) if function else None
    if not docstring:
        return []
    allowed = {entry_point} | top_level_names(tree) | BUILTIN_NAMES
    tests: list[str] = []
    for call, expected in [*_doctest_pairs(docstring), *_arrow_pairs(docstring, entry_point)]:
        call_expr, expected_expr = _expression(call), _expression(expected)
        if call_expr is None or expected_expr is None:
            continue
        names = free_names(call_expr) | free_names(expected_expr)
        if entry_point not in names or not names <= allowed:  # ``is_happy(abc)``: not Python, skip
            continue
        test = f"assert {ast.unparse(call_expr)} == {ast.unparse(expected_expr)}"
        if test not in tests:
            tests.append(test)
    return tests


def _doctest_pairs(docstring: str) -> list[tuple[str, str]]:
    try:
        return [(e.source, e.want) for e in doctest.DocTestParser().get_examples(docstring)]
    except ValueError:  # inconsistent indentation inside the docstring
        return []


def _arrow_pairs(docstring: str, entry_point: str) -> list[tuple[str, str]]:
    pairs = []
    for line in docstring.splitlines():
        line = line.strip()
        if line.startswith(f"{entry_point}(") and (parts := _ARROW.split(line, maxsplit=1))[1:]:
            pairs.append((parts[0], parts[1].rstrip(".,;")))
    return pairs


def _expression(text: str) -> ast.expr | None:
    try:
        return ast.parse(text.strip(), mode="eval").body if text.strip() else None
    except SyntaxError:
        return None
