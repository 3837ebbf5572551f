"""``reflexion resume``: continue a thread after a crash or a kill, give a finished run more trials,
or replay from an older checkpoint (time travel)."""

from __future__ import annotations

import argparse

from reflexion.checkpoint import open_checkpointer, thread_lock
from reflexion.cli.common import add_model_options, add_storage_options, console, print_summary, resume_command, session
from reflexion.cli.review import add_review_options, pending_review, resume_paused, run_with_reviews
from reflexion.domains import get_domain
from reflexion.graphs import build_graph
from reflexion.progress import ConsoleProgress
from reflexion.runner import load_thread, plan_resume, thread_config


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("resume", help="continue a run from its last (or an older) checkpoint", description=__doc__)
    p.add_argument("thread", help="thread id (see `reflexion history --list`)")
    p.add_argument("--from", dest="checkpoint", metavar="CHECKPOINT", help="replay from this older checkpoint (see `reflexion history THREAD --checkpoints`)")
    budget = p.add_mutually_exclusive_group()
    budget.add_argument("--max-trials", type=int, metavar="N", help="set the trial budget to N")
    budget.add_argument("--more-trials", type=int, metavar="N", help="add N trials to the budget")
    add_review_options(p, starting=False)
    add_storage_options(p)
    add_model_options(p)
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    args.resume_hint = resume_command(args.thread, args)
    with open_checkpointer(args.db) as saver:  # find the thread's domain before starting any model
        snapshot = load_thread(build_graph(saver), args.thread, args.checkpoint)
    # The domain as the run started: its stored settings, not today's environment.
    domain = get_domain(snapshot.values["task"]["domain"], **snapshot.values.get("domain_settings", {}))
    with thread_lock(args.thread, args.db), session(domain, db=args.db, gguf=args.gguf) as (graph, context):
        progress = ConsoleProgress(trial=snapshot.values.get("trial", 1), verbose=args.verbose)
        if args.checkpoint is None and pending_review(graph, args.thread) is not None:
            console.print(f"[bold]{args.thread}[/]: waiting for your review of the reflection on trial {snapshot.values.get('trial', 1)}")
            run_with_reviews(graph, resume_paused(), thread_config(args.thread), context, progress, args, console)
        elif (plan := plan_resume(graph, args.thread, checkpoint_id=args.checkpoint, max_trials=args.max_trials,
                                  more_trials=args.more_trials)) is None:  # fmt: skip
            values = load_thread(graph, args.thread).values
            console.print(f"nothing to resume: the run is finished ({values.get('outcome')}); give it more trials with --more-trials N")
        else:
            console.print(f"[bold]{args.thread}[/]: {plan.note}")
            run_with_reviews(graph, None, plan.config, context, progress, args, console)
        values = load_thread(graph, args.thread).values  # the head: after a replay, the new branch's
    print_summary(values, args.thread, args)
    return 0 if values.get("outcome") == "solved" else 1
