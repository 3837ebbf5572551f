"""Static facts about Python source text, read with ``ast`` only: nothing here ever runs the code."""

from __future__ import annotations

import ast
import builtins

BUILTIN_NAMES: frozenset[str] = frozenset(dir(builtins))


def parse(source: str) -> ast.Module | None:
    """The module's syntax tree, or ``None`` when the text is not valid Python."""
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):  # ValueError: source with NUL bytes
        return None


def syntax_problem(source: str) -> str | None:
    """A one-line description of the first syntax error, or ``None`` when the text parses."""
    try:
        ast.parse(source)
    except SyntaxError as exc:
        return f"syntax error: {exc.msg} (line {exc.lineno})"
    except ValueError as exc:
        return f"syntax error: {exc}"
    return None


def top_level_names(tree: ast.Module) -> set[str]:
    """Names a module binds at top level: functions, classes, imports and assigned names."""
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name))
    return names


def defines_function(tree: ast.Module, name: str) -> bool:
    """True when ``name`` is a top-level function (or a callable bound to that name)."""
    return name in top_level_names(tree)


def free_names(node: ast.AST) -> set[str]:
    """Names a statement reads but does not bind itself (comprehension variables, lambda arguments)."""
    loaded = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    bound = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store | ast.Del)}
    bound |= {a.arg for n in ast.walk(node) if isinstance(n, ast.arguments) for a in _all_args(n)}
    return loaded - bound


def statement_lines(node: ast.stmt) -> range:
    """The 1-based line numbers a statement spans, decorators included."""
    first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
    return range(first, (node.end_lineno or node.lineno) + 1)


def _all_args(args: ast.arguments) -> list[ast.arg]:
    extra = [a for a in (args.vararg, args.kwarg) if a is not None]
    return [*args.posonlyargs, *args.args, *args.kwonlyargs, *extra]


def is_main_guard(node: ast.stmt) -> bool:
    """``if __name__ == "__main__":``"""
    if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
        return False
    sides = [node.test.left, *node.test.comparators]
    return any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides)


def drop_top_level_runs(source: str) -> str:
    """The source without top-level statements that *run* something: calls, prints, asserts and
    ``if __name__ == "__main__"`` blocks. Models like to append example usage; at import time
    it would print, fail a stray assert, or wait on ``input()`` and mask the real test results.
    Definitions, imports and assignments are kept verbatim (comments and layout included)."""
    tree = parse(source)
    if tree is None:
        return source
    drop: set[int] = set()
    keep: set[int] = set()
    for node in tree.body:
        docstring = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        runs = (isinstance(node, ast.Expr) and not docstring) or isinstance(node, ast.Assert) or is_main_guard(node)
        (drop if runs else keep).update(statement_lines(node))
    drop -= keep  # a line shared with a kept statement (``x = 1; print(x)``) stays
    if not drop:
        return source
    kept = [line for number, line in enumerate(source.splitlines(), start=1) if number not in drop]
    return "\n".join(kept).strip("\n") + "\n"
