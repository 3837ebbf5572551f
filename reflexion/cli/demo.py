"""``reflexion demo``: the main job. Reflexion on a handful of HumanEval tasks with whatever model is
configured (the embedded local model when none is), showing every trial, the reflections and the
result; then how to resume, inspect and switch to a real endpoint. Running it again resumes it.

The tasks were chosen from the committed HumanEval rows (docs/results.md) for what they show with
the default model. HumanEval/26: the first attempt keeps one copy of each repeated number where the
docstring's example drops them; the reflection says so ("should remove all elements that occur
more than once"), and the second attempt is right (it passes the hidden tests); one of the model's
own tests is wrong, so the loop only accepts it on trial 3, once that test is outvoted. Retrying
without a reflection (``last_attempt``) needed all 5 trials for it. HumanEval/7 it solves at once.
The settings are that run's (the paper's programming setting, one reflection in view), with a
budget of 3 trials instead of 5."""

from __future__ import annotations

import argparse

from rich.markup import escape

from reflexion.bench import BenchSettings, read_rows
from reflexion.cli import bench
from reflexion.cli.common import add_model_options, add_storage_options, console

DEMO_OUT = ".reflexion/demo-humaneval.jsonl"
DEMO_TASKS = ("HumanEval/26", "HumanEval/7")  # from the committed run: see the module docstring


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="Reflexion on a few HumanEval tasks, with progress and reflections", description=__doc__,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--task", action="extend", nargs="+", metavar="ID", help=f"HumanEval tasks to run (default: {' '.join(DEMO_TASKS)})")
    p.add_argument("--max-trials", type=int, default=3, metavar="T", help="trial budget per task (default: 3)")
    p.add_argument("--out", default=DEMO_OUT, metavar="FILE", help=f"result file (default: {DEMO_OUT})")
    add_storage_options(p)
    add_model_options(p)
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    request = bench.BenchRequest(
        source="humaneval", tasks=list(args.task or DEMO_TASKS), out=args.out, db=args.db, gguf=args.gguf, verbose=True,
        settings=BenchSettings(strategy="last_attempt_and_reflexion", max_trials=args.max_trials, memory_window=1),
    )
    args.resume_hint = bench.bench_command(request)
    code = bench.execute(request)
    if code == 0:
        _next_steps(args)
    return code


def _next_steps(args: argparse.Namespace) -> None:
    threads = [row["thread_id"] for row in read_rows(args.out)]
    db = f" --db {args.db}" if args.db else ""
    lines = [
        "[bold]What next[/]",
        "  run it again: `reflexion demo` (finished tasks are kept; an interrupted one resumes from its checkpoint)",
        f"  see one run's trials and reflections: reflexion history {escape(threads[0])}{db}" if threads else "",
        "  more trials for a failed task: reflexion resume THREAD --more-trials 2",
        "  a real model: put OPENAI_API_KEY=... (and REFLEXION_MODEL=...) in .env, or REFLEXION_BASE_URL=<any OpenAI-compatible URL:",
        "  vLLM, Ollama, LM Studio, llama.cpp> with REFLEXION_API_KEY and REFLEXION_MODEL; see .env.example",
        "  the full benchmark: reflexion bench humaneval --strategy last_attempt_and_reflexion --window 1 --max-trials 5"
        " (docs/results.md: what the embedded model achieves, and the commands)",
    ]
    console.print("\n".join(line for line in lines if line))
