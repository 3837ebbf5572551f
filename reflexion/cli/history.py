"""``reflexion history``: the trials of a thread with scores, feedback and reflections, or its
checkpoints (to resume or replay from), or the list of threads in a checkpoint file."""

from __future__ import annotations

import argparse

from rich.markup import escape
from rich.table import Table

from reflexion.checkpoint import describe, open_checkpointer, thread_ids
from reflexion.cli.common import add_storage_options, console
from reflexion.errors import TaskError
from reflexion.graphs import build_graph
from reflexion.history import checkpoints, trials
from reflexion.progress import first_line
from reflexion.runner import load_thread


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("history", help="show a run's trials, its checkpoints, or all threads", description=__doc__)
    p.add_argument("thread", nargs="?", help="thread id")
    p.add_argument("--checkpoints", action="store_true", help="list the thread's checkpoints (for `resume --from`)")
    p.add_argument("--list", action="store_true", help="list the threads in the checkpoint file")
    p.add_argument("--full", action="store_true", help="show whole candidates and feedback, not first lines")
    add_storage_options(p)
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    if args.list or not args.thread:
        return _list_threads(args)
    with open_checkpointer(args.db) as saver:
        graph = build_graph(saver)
        if args.checkpoints:
            return _show_checkpoints(graph, args.thread)
        values = load_thread(graph, args.thread).values
    task = values["task"]
    console.print(f"[bold]{escape(args.thread)}[/] · task {escape(task['id'])} ({task['domain']}) · strategy {values['strategy']} · "
                  f"{values.get('outcome')} · budget {values['max_trials']} trials")
    for view in trials(values):
        mark = "[green]✓[/]" if view.success else "[red]✗[/]"
        console.rule(f"trial {view.trial} {mark} score {view.score:.2f}")
        candidate, feedback = (view.candidate, view.feedback) if args.full else (first_line(view.candidate, 100), first_line(view.feedback, 100))
        console.print(f"[bold]candidate:[/] {escape(candidate) or '(none)'}")
        console.print(f"[bold]feedback:[/]  {escape(feedback)}")
        if view.reflection:
            by = " (written by a person)" if view.reflection_author == "human" else ""
            console.print(f"[bold]reflection{by}:[/] [italic]{escape(view.reflection)}[/]")
    return 0


def _show_checkpoints(graph, thread_id: str) -> int:
    rows = checkpoints(graph, thread_id)
    if not rows:
        raise TaskError(f"no thread {thread_id!r} in this checkpoint file; `reflexion history --list` shows the threads")
    table = Table("checkpoint", "step", "trial", "next", "score", "reflections", "time", title=f"checkpoints of {thread_id} (newest first)")
    for row in rows:
        score = "" if row.score is None else f"{row.score:.2f}"
        table.add_row(row.checkpoint_id, str(row.step), str(row.trial or ""), row.next or "(end)", score, str(row.reflections), row.created_at[:19])
    console.print(table)
    console.print(f"[dim]replay from one: reflexion resume {escape(thread_id)} --from CHECKPOINT[/]")
    return 0


def _list_threads(args: argparse.Namespace) -> int:
    ids = thread_ids(args.db)
    for thread_id in ids:
        console.print(escape(thread_id))
    if not ids:
        console.print(f"no threads in {escape(describe(args.db))}")
    return 0
