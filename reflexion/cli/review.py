"""A person reviews a reflection from the command line: the run pauses at the ``review`` node
(``interrupt()``); in a terminal the command shows the failed trial, its feedback and the model's
draft and asks; with ``--accept-reflection`` or ``--reflection TEXT`` it answers without asking; with
no terminal on stdin and neither option it stops with one line saying how to continue."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command
from rich.console import Console
from rich.markup import escape

from reflexion.context import Context
from reflexion.errors import ReflexionError
from reflexion.runner import OnEvent, stream, thread_config

EXIT_PAUSED = 3


class ReviewPending(ReflexionError):
    """The run waits for a person's review and nobody can be asked (no terminal on stdin)."""


def add_review_options(parser: argparse.ArgumentParser, *, starting: bool) -> None:
    if starting:
        parser.add_argument("--review-reflections", action="store_true",
                            help="pause after each failed trial so that you accept, edit or replace the model's reflection")  # fmt: skip
    answer = parser.add_mutually_exclusive_group()
    answer.add_argument("--accept-reflection", action="store_true", help="a paused run: keep the model's draft reflection")
    answer.add_argument("--reflection", metavar="TEXT", help="a paused run: use this reflection instead of the model's")


def pending_review(graph: CompiledStateGraph, thread_id: str) -> dict[str, Any] | None:
    """The review the thread waits for (the interrupt's payload), or None."""
    for task in graph.get_state(thread_config(thread_id)).tasks:
        for pending in task.interrupts:
            if isinstance(pending.value, dict) and pending.value.get("kind") == "review_reflection":
                return pending.value
    return None


def run_with_reviews(
    graph: CompiledStateGraph, start: Any, config: RunnableConfig, context: Context, progress: OnEvent, args: argparse.Namespace,
    console: Console,
) -> dict[str, Any]:
    """Stream the run; at each paused review, answer it (from the options once, else by asking) and go on."""
    thread_id = config["configurable"]["thread_id"]
    values = stream(graph, start, config, context, progress) if start is not _ALREADY_PAUSED else {}
    answer: Any = "accept" if args.accept_reflection else args.reflection
    while (review := pending_review(graph, thread_id)) is not None:
        if answer is None:
            answer = ask(review, console, args)
        values = stream(graph, Command(resume=answer), thread_config(thread_id), context, progress)
        answer = None  # an option answers one review; later ones are asked
    return values


_ALREADY_PAUSED = object()


def resume_paused() -> object:
    """The ``start`` that means: the thread is already waiting at a review, answer it first."""
    return _ALREADY_PAUSED


def ask(review: dict[str, Any], console: Console, args: argparse.Namespace) -> str:
    if not sys.stdin.isatty():
        raise ReviewPending(
            f"trial {review['trial']} failed and its reflection waits for your review; continue with "
            f"`{args.resume_hint}` in a terminal, or add --accept-reflection or --reflection TEXT"
        )
    console.rule(f"review the reflection on trial {review['trial']}", align="left")
    console.print(f"[bold]feedback:[/] {escape(review['feedback'])}")
    console.print(f"[bold]the model's reflection:[/] [italic]{escape(review['draft_reflection'])}[/]")
    reply = input("Enter keeps it; or type your own lesson (one line): ").strip()
    return reply or "accept"
