"""Rewrite test asserts so a failure reports the actual value and comparisons cannot be faked.

``assert f(1) == 2, msg`` becomes::

    __reflexion_left__ = f(1)
    __reflexion_right__ = 2
    if not __reflexion_left__ == __reflexion_right__:
        __reflexion_failed__('==', __reflexion_left__, msg)   # raises, carrying repr(left)
        raise AssertionError
    __reflexion_trusted__('==', __reflexion_left__, __reflexion_right__)

The comparison stays in the test's own code (so tampering with the helpers cannot turn a false
comparison into a pass); the helpers, defined in the in-sandbox harness, only add the actual value
and reject a true comparison decided by a user-defined ``__eq__`` against plain data (the "always
equal" object). The rewrite happens here, in the parent, so the harness need not import ``ast``.
"""

from __future__ import annotations

import ast

LEFT, RIGHT = "__reflexion_left__", "__reflexion_right__"
FAILED, TRUSTED = "__reflexion_failed__", "__reflexion_trusted__"

_OPERATORS: dict[type[ast.cmpop], str] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.NotIn: "not in",
}


class UnparsableTestError(ValueError):
    """A test snippet that does not parse; the message is the one-line reason."""


def rewrite_test(source: str) -> str:
    """Return ``source`` with its single-comparison asserts rewritten (see module docstring)."""
    try:
        tree = ast.parse(source, "<test>")
    except SyntaxError as error:
        raise UnparsableTestError(syntax_reason(error)) from None
    except (ValueError, MemoryError, RecursionError) as error:
        raise UnparsableTestError(f"{type(error).__name__}: {error}") from None
    tree = _AssertRewriter().visit(tree)
    return ast.unparse(ast.fix_missing_locations(tree))


def syntax_reason(error: SyntaxError) -> str:
    where = f" (line {error.lineno})" if error.lineno else ""
    return f"SyntaxError: {error.msg}{where}"


def program_syntax_error(source: str) -> str | None:
    """The one-line reason the program does not compile, or None. Compiling runs nothing."""
    try:
        compile(source, "<program>", "exec", ast.PyCF_ONLY_AST)
    except SyntaxError as error:
        return syntax_reason(error)
    except (ValueError, MemoryError, RecursionError) as error:
        return f"{type(error).__name__}: {error}"
    return None


class _AssertRewriter(ast.NodeTransformer):
    def visit_Assert(self, node: ast.Assert) -> ast.AST | list[ast.stmt]:
        test = node.test
        if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and type(test.ops[0]) in _OPERATORS):
            return node
        op = _OPERATORS[type(test.ops[0])]
        message = node.msg if node.msg is not None else ast.Constant(None)
        compare = ast.Compare(_load(LEFT), [test.ops[0]], [_load(RIGHT)])
        statements = [
            ast.Assign([_store(LEFT)], test.left),
            ast.Assign([_store(RIGHT)], test.comparators[0]),
            ast.If(
                ast.UnaryOp(ast.Not(), compare),
                [
                    ast.Expr(_call(FAILED, ast.Constant(op), _load(LEFT), message)),
                    ast.Raise(ast.Name("AssertionError", ast.Load()), None),
                ],
                [],
            ),
            ast.Expr(_call(TRUSTED, ast.Constant(op), _load(LEFT), _load(RIGHT))),
        ]
        for statement in statements:
            ast.copy_location(statement, node)
        return statements


def _load(name: str) -> ast.Name:
    return ast.Name(name, ast.Load())


def _store(name: str) -> ast.Name:
    return ast.Name(name, ast.Store())


def _call(name: str, *args: ast.expr) -> ast.Call:
    return ast.Call(_load(name), list(args), [])
