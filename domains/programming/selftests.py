"""The evaluator's own unit tests, as in the paper: once per task the evaluator model writes
``assert`` lines for the function; we keep those that parse, call the entry point and use no name
the sandboxed program will not have, drop duplicates, and keep at most ``limit`` of them.

Keeping the first ``limit`` (the reference code samples them at random) makes a run reproducible.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from reflexion.domains.programming.pysource import BUILTIN_NAMES, free_names
from reflexion.llm import RoleModel
from reflexion.prompts import render_prompt

DOMAIN = "programming"
MAX_ASSERT_LINES = 12  # an assert may wrap over a few lines; joining more is not worth trying
# "assert ...", also behind a list marker, a ">>> " or an inline-code backtick.
_ASSERT_LINE = re.compile(r"^\s*(?:[-*]\s+|\d+[.)]\s+|>>>\s+)?`?(assert\b.*?)`?\s*$")


@dataclass(frozen=True)
class SelfTests:
    tests: list[str]  # the kept tests, one line each
    found: int  # assert statements found in the reply, before filtering


def parse_tests(reply: str, entry_point: str, *, known_names: set[str], limit: int) -> SelfTests:
    """Unit tests from the test writer's ``reply``. ``known_names`` are the names the program under
    test defines besides the entry point (the prompt's imports and helpers); a test that needs any
    other name (``math`` never imported, an invented helper) would fail every implementation."""
    allowed = {entry_point} | set(known_names) | BUILTIN_NAMES
    found = 0
    tests: list[str] = []
    for statement in _assert_statements(reply or ""):
        found += 1
        names = free_names(statement)
        if entry_point not in names or not names <= allowed:
            continue
        line = ast.unparse(statement)  # one canonical line: no comments, so duplicates compare equal
        if line not in tests:
            tests.append(line)
    return SelfTests(tests=tests[:limit], found=found)


def write_tests(llm: RoleModel, task_prompt: str, entry_point: str, *, known_names: set[str], limit: int) -> SelfTests:
    """Ask the evaluator model for tests of the function described by ``task_prompt`` (signature
    and docstring only: the dataset's hidden tests are never part of it)."""
    prompt = render_prompt("test_writer", DOMAIN, task=task_prompt.strip(), entry_point=entry_point, max_tests=limit)
    reply = llm.ask(prompt, system=render_prompt("test_writer_system", DOMAIN))
    return parse_tests(reply, entry_point, known_names=known_names, limit=limit)


def _assert_statements(text: str) -> list[ast.Assert]:
    lines = text.replace("\r\n", "\n").split("\n")
    found: list[ast.Assert] = []
    number = 0
    while number < len(lines):
        match = _ASSERT_LINE.match(lines[number])
        if not match:
            number += 1
            continue
        statement, used = _parse_assert([match.group(1), *lines[number + 1 : number + MAX_ASSERT_LINES]])
        if statement is not None:
            found.append(statement)
        number += used
    return found


def _parse_assert(lines: list[str]) -> tuple[ast.Assert | None, int]:
    """The assert starting at ``lines[0]`` (wrapped over as few lines as it needs) and how many
    lines it took; ``(None, 1)`` when no prefix of the lines is one assert statement."""
    for count in range(1, len(lines) + 1):
        try:
            tree = ast.parse("\n".join(line.strip() if i else line for i, line in enumerate(lines[:count])))
        except (SyntaxError, ValueError):
            continue
        if len(tree.body) == 1 and isinstance(tree.body[0], ast.Assert):
            return tree.body[0], count
        return None, 1
    return None, 1
