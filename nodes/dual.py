"""A node (or router) that serves both of LangGraph's APIs: a synchronous body for ``invoke`` /
``stream`` and an asynchronous one for ``ainvoke`` / ``astream``, from one piece of logic.

A node that waits on something (a model reply, a domain's attempt) is written once, as a generator
that yields each request and is sent its result: :func:`drive` answers the requests with blocking
calls, :func:`adrive` with awaited ones, so the two bodies cannot drift apart. :func:`dual` makes
the pair one node; LangGraph's own wrapper injects ``runtime`` (and ``config``) by the synchronous
function's signature into whichever body runs. Given a plain function alone, LangGraph would run it
in a worker thread under ``ainvoke``; a node that does no I/O (``decide``, the routers) gets an
async body that calls it inline instead, which spares every such step a thread hop.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator
from functools import wraps
from typing import Any, TypeVar

# RunnableCallable is internal to LangGraph, but it is what StateGraph.add_node itself wraps a
# function in (langgraph/_internal/_runnable.py); trace=False, as add_node does, keeps the per-step
# callback overhead out.
from langgraph._internal._runnable import RunnableCallable

Request = TypeVar("Request")
Result = TypeVar("Result")
Output = TypeVar("Output")


def drive(steps: Generator[Request, Result, Output], call: Callable[[Request], Result]) -> Output:
    """Run ``steps`` to its end, answering each request it yields with ``call`` (blocking)."""
    try:
        request = next(steps)
        while True:
            request = steps.send(call(request))
    except StopIteration as done:
        return done.value


async def adrive(steps: Generator[Request, Result, Output], call: Callable[[Request], Awaitable[Result]]) -> Output:
    """:func:`drive` on the event loop: each request is answered by awaiting ``call``."""
    try:
        request = next(steps)
        while True:
            request = steps.send(await call(request))
    except StopIteration as done:
        return done.value


def dual(func: Callable[..., Any], afunc: Callable[..., Awaitable[Any]] | None = None) -> RunnableCallable:
    """``func`` under ``invoke``, ``afunc`` under ``ainvoke`` (default: ``func`` called inline, for a
    body that never blocks)."""
    if afunc is None:

        @wraps(func)
        async def inline(*args: Any, **kwargs: Any) -> Any:
            return func(*args, **kwargs)

        afunc = inline
    return RunnableCallable(func, afunc, name=func.__name__, trace=False)
