"""Standard modules worth importing once in the harness rather than in every test's child.

Every test runs in a fresh fork of the harness, so a module the harness has already imported costs
the test nothing; ``typing`` alone takes 10-20 ms to import. Only side-effect-free standard modules
qualify (not ``random``: forks of one seeded generator would all draw the same numbers).
"""

from __future__ import annotations

import ast

PRELOADABLE = frozenset(
    {
        "abc",
        "array",
        "bisect",
        "cmath",
        "collections",
        "collections.abc",
        "copy",
        "dataclasses",
        "datetime",
        "decimal",
        "enum",
        "fractions",
        "functools",
        "hashlib",
        "heapq",
        "itertools",
        "json",
        "math",
        "numbers",
        "operator",
        "re",
        "statistics",
        "string",
        "textwrap",
        "typing",
        "unicodedata",
    }
)


def preloadable_imports(program: str) -> list[str]:
    """The preloadable modules ``program`` imports at its top level, in order."""
    try:
        tree = ast.parse(program)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return []
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return list(dict.fromkeys(name for name in names if name in PRELOADABLE))
