"""``reflexion run``: one task through the Reflexion loop, with progress as it goes."""

from __future__ import annotations

import argparse

from reflexion.checkpoint import thread_lock
from reflexion.cli.common import add_model_options, add_storage_options, console, print_summary, resume_command, session
from reflexion.cli.review import add_review_options, run_with_reviews
from reflexion.domains import domain_names, get_domain
from reflexion.errors import SettingsError
from reflexion.jsonl import select
from reflexion.progress import ConsoleProgress
from reflexion.run_settings import RunSettings, add_run_options
from reflexion.runner import new_thread_id, thread_config


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="run one task through the loop", description=__doc__)
    p.add_argument("--domain", default="qa", help=f"task domain: {', '.join(domain_names())} (default: qa)")
    p.add_argument("--source", metavar="FILE_OR_NAME", help="task file or named task set of the domain (default: its built-in set)")
    p.add_argument("--task", metavar="ID", help="task id (default: the first task)")
    add_run_options(p)
    p.add_argument("--thread", metavar="ID", help="thread id to store the run under (default: <task>-<strategy>-<time>)")
    add_review_options(p, starting=True)
    add_storage_options(p)
    add_model_options(p)
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    settings = RunSettings.from_args(args)  # checked before any task loads or any model starts
    domain = get_domain(args.domain)
    task = select(domain.load_tasks(args.source), [args.task] if args.task else None)[0]
    start = settings.start(task, domain.settings())
    thread_id = args.thread or new_thread_id(task["id"], args.strategy)
    args.resume_hint = resume_command(thread_id, args)
    with thread_lock(thread_id, args.db), session(domain, db=args.db, gguf=args.gguf) as (graph, context):
        if graph.get_state(thread_config(thread_id)).values:
            raise SettingsError(f"thread {thread_id!r} already exists; continue it with: {args.resume_hint}")
        console.print(f"[bold]{task['id']}[/] ({domain.name}, strategy {args.strategy}, up to {start['max_trials']} trials) · thread {thread_id}")
        values = run_with_reviews(graph, start, thread_config(thread_id), context, ConsoleProgress(verbose=args.verbose), args, console)
    print_summary(values, thread_id, args)
    return 0 if values.get("outcome") == "solved" else 1
