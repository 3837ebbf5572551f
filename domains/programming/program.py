"""The programs that run in the sandbox: the task's own code, then the implementation, then tests."""

from __future__ import annotations

import ast

from reflexion.domains.programming.pysource import defines_function, drop_top_level_runs, parse, syntax_problem
from reflexion.state import Task


def implementation_problem(code: str, entry_point: str) -> str | None:
    """Why ``code`` cannot be tested (no code, a syntax error, no ``entry_point``), or ``None``."""
    if not code.strip():
        return "the reply contained no Python code"
    if problem := syntax_problem(code):
        return problem
    tree = parse(code)
    if tree is None or not defines_function(tree, entry_point):
        return f"the code does not define a function named `{entry_point}`"
    return None


def program_for(task: Task, implementation: str) -> str:
    """The implementation preceded by the task prompt's code, when the prompt is Python: its imports
    and the helpers the function may use (HumanEval's ``poly``, ``encode_cyclic``). The prompt's own
    stub of the entry point comes first, so the implementation's definition replaces it."""
    preamble = task["prompt"] if parse(task["prompt"]) is not None else ""
    preamble = drop_top_level_runs(preamble).strip("\n") if preamble.strip() else ""
    return f"{preamble}\n\n\n{implementation}" if preamble else implementation


def hidden_test(task: Task) -> str:
    """The dataset's hidden tests as one test block. HumanEval's ``test`` only defines
    ``check(candidate)``, so the call is added; MBPP (MultiPL-E) already calls ``test_check()``;
    a user's tests are plain asserts."""
    test: str = task["data"].get("hidden_test", "")
    entry_point: str = task["data"]["entry_point"]
    call = f"\ncheck({entry_point})\n" if _defines_check_without_calling(test) else ""
    return f"{test.strip(chr(10))}\n{call}"


def hidden_program(task: Task, implementation: str) -> str:
    """The implementation followed by the hidden tests, as one script (for reading and debugging)."""
    return f"{program_for(task, implementation)}\n\n\n{hidden_test(task)}"


def _defines_check_without_calling(test: str) -> bool:
    tree = parse(test)
    if tree is None:
        return False
    defines_check = any(isinstance(n, ast.FunctionDef) and n.name == "check" for n in tree.body)
    calls_something = any(isinstance(n, ast.Expr) and isinstance(n.value, ast.Call) for n in tree.body)
    return defines_check and not calls_something
