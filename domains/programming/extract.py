"""Getting the implementation out of a model's reply, whatever shape the reply takes.

Models fence their code (```python, bare ```, or a fence they never close), or do not fence it at
all, or write several blocks (a first try, a fix, some example usage). We keep the last block
that defines the entry point, add the imports and helpers it uses from the other blocks, and drop
top-level example runs. A reply we cannot use is reported as a ``problem``, never raised.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from reflexion.domains.programming.pysource import (
    BUILTIN_NAMES,
    defines_function,
    drop_top_level_runs,
    free_names,
    parse,
    statement_lines,
    syntax_problem,
    top_level_names,
)

_FENCE = re.compile(r"^[ \t]*```[ \t]*([\w+.-]*)[^\n]*\n(.*?)(?:^[ \t]*```[ \t]*$|\Z)", re.DOTALL | re.MULTILINE)
_PYTHON_TAGS = {"", "python", "python3", "py", "py3"}
# Lines that can open a code span inside prose, and lines that can continue one.
_CODE_START = re.compile(r"^(def |async def |class |import |from \S+ import |@)")
_CODE_LINE = re.compile(r"^(\s|$|#|def |async def |class |import |from |@|[\w.\[\], ]+\s*[:+\-*/]?=|[)\]}])")


@dataclass(frozen=True)
class Extraction:
    code: str  # the implementation; for an unusable reply, the broken code or ""
    problem: str | None = None  # why the reply is unusable; None when it is usable


def extract_code(reply: str, entry_point: str, prompt: str | None = None) -> Extraction:
    """The implementation of ``entry_point`` in ``reply``. ``prompt`` (the signature and docstring)
    lets a reply that only continues the function body still count."""
    text = (reply or "").replace("\r\n", "\n")
    blocks = _fenced_blocks(text) or _code_spans(text)
    parsed = [(block, tree) for block in blocks if (tree := parse(block)) is not None and tree.body]
    defining = [(block, tree) for block, tree in parsed if defines_function(tree, entry_point)]
    if defining:
        chosen, tree = defining[-1]
        others = [(b, t) for b, t in parsed if t is not tree]
        return Extraction(drop_top_level_runs(_with_helpers(chosen, tree, others)))
    body = (blocks or [text])[-1]
    if prompt is not None and _continues_a_body(body):
        completed = prompt.rstrip("\n") + "\n" + body
        tree = parse(completed)
        if tree is not None and defines_function(tree, entry_point):
            return Extraction(drop_top_level_runs(completed))
    broken = [b for b in blocks if parse(b) is None and b.strip()]
    with_def = [b for b in broken if re.search(rf"\bdef\s+{re.escape(entry_point)}\b", b)]
    if with_def:
        return Extraction(with_def[-1], syntax_problem(with_def[-1]))
    if parsed:
        return Extraction(parsed[-1][0], f"the code does not define a function named `{entry_point}`")
    if broken:
        return Extraction(broken[-1], syntax_problem(broken[-1]))
    return Extraction("", "no Python code found in the reply")


def _continues_a_body(text: str) -> bool:
    """An indented first line: the reply carries on the prompt's function instead of restating it."""
    first = next((line for line in text.split("\n") if line.strip()), "")
    return first[:1] in (" ", "\t")


def _fenced_blocks(text: str) -> list[str]:
    return [m.group(2) for m in _FENCE.finditer(text) if m.group(1).lower() in _PYTHON_TAGS and m.group(2).strip()]


def _code_spans(text: str) -> list[str]:
    """Code written straight into the reply: the whole reply when it parses, else each run of
    code-like lines that starts at a ``def``/``import``/``class`` line, trimmed until it parses."""
    if parse(text) is not None:
        return [text] if text.strip() else []
    lines = text.split("\n")
    spans: list[str] = []
    number = 0
    while number < len(lines):
        if not _CODE_START.match(lines[number]):
            number += 1
            continue
        end = number + 1
        while end < len(lines) and _CODE_LINE.match(lines[end]):
            end += 1
        spans.append(_longest_parsing_prefix(lines[number:end]))
        number = end
    return [s for s in spans if s.strip()]


def _longest_parsing_prefix(lines: list[str]) -> str:
    for end in range(len(lines), 0, -1):
        chunk = "\n".join(lines[:end]).rstrip() + "\n"
        if parse(chunk) is not None:
            return chunk
    return "\n".join(lines).rstrip() + "\n"  # nothing parses: keep it whole, the caller reports why


def _with_helpers(chosen: str, tree: ast.Module, others: list[tuple[str, ast.Module]]) -> str:
    """``chosen`` preceded by the imports, functions and classes it uses from the other blocks."""
    missing = free_names(tree) - top_level_names(tree) - BUILTIN_NAMES
    helpers: list[str] = []
    for source, other in others:
        lines = source.split("\n")
        for node in other.body:
            if not isinstance(node, ast.Import | ast.ImportFrom | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            provides = top_level_names(ast.Module(body=[node], type_ignores=[])) & missing
            if provides:
                span = statement_lines(node)
                helpers.append("\n".join(lines[span.start - 1 : span.stop - 1]))
                missing -= provides
    return "\n\n".join([*helpers, chosen.strip("\n")]) + "\n"
