"""Pieces shared by the subcommands: options, the graph + models session, the run summary."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from langgraph.graph.state import CompiledStateGraph
from rich.console import Console
from rich.markup import escape

from reflexion.context import Context
from reflexion.domains import Domain
from reflexion.history import trials

console = Console(highlight=False, soft_wrap=True)


def add_storage_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="FILE|URL", help="checkpoint store: a SQLite file or postgresql://user:pass@host/db (default: $REFLEXION_DB or .reflexion/checkpoints.sqlite)")


def add_model_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--gguf", metavar="MODEL", help="serve this local model with the embedded server: a known name "
                        "(`reflexion models` lists them; default qwen2.5-coder-0.5b) or a .gguf file")
    parser.add_argument("-v", "--verbose", action="store_true", help="also show each node as it starts")


@contextmanager
def session(domain: Domain, *, db: str | None, gguf: str | None) -> Iterator[tuple[CompiledStateGraph, Context]]:
    """The compiled loop on the checkpoint file ``db``, and the run-time context with the three models
    (the embedded server, serving ``gguf``, when it is the default)."""
    from reflexion.models import open_models
    from reflexion.runner import open_graph

    with open_graph(domain, db) as graph, open_models(gguf=gguf, announce=lambda m: console.print(f"[dim]{escape(m)}[/]")) as models:
        yield graph, Context.of(actor=models["actor"], evaluator=models["evaluator"], reflector=models["reflector"], domain=domain)


def resume_command(thread_id: str, args: argparse.Namespace) -> str:
    db = f" --db {args.db}" if getattr(args, "db", None) else ""
    return f"reflexion resume {thread_id}{db}"


def print_summary(values: dict[str, Any], thread_id: str, args: argparse.Namespace) -> None:
    outcome = values.get("outcome", "running")
    style = {"solved": "green", "failed": "red"}.get(outcome, "yellow")
    views = trials(values)
    console.print(f"\n[bold {style}]{outcome}[/] after {len(views)} trial(s) of {values['max_trials']} (thread {escape(thread_id)})")
    for view in views:
        if view.reflection:
            by = " (written by a person)" if view.reflection_author == "human" else ""
            console.print(f"  reflection after trial {view.trial}{by}: [italic]{escape(view.reflection)}[/]")
    usage = values.get("usage", {})
    if usage:
        parts = [f"{role} {u['calls']} calls/{u['input_tokens'] + u['output_tokens']} tokens" for role, u in usage.items()]
        console.print(f"  [dim]model use: {', '.join(parts)}[/]")
    console.print(f"  [dim]history: reflexion history {escape(thread_id)}{' --db ' + args.db if args.db else ''}[/]")
    if outcome == "failed":
        console.print(f"  [dim]more trials: {escape(resume_command(thread_id, args))} --more-trials 2[/]")
