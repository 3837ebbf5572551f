"""``reflexion bench``: run a task set through the loop (one checkpointed thread per task, one result
line per finished task) and summarise it: pass@1 after each trial, self-test false positives and
negatives, calls and tokens per solved task. Re-running the same command resumes it.
``reflexion bench --summary FILE ...`` summarises (and plots) result files without running anything."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from reflexion.bench import BenchSettings, ResultFile, default_out, domain_for, load_source, pick, run_bench, summarize
from reflexion.bench.harness import check_compatible
from reflexion.bench.plot import plot_curves
from reflexion.bench.progress import BarProgress, NodeProgress
from reflexion.bench.ray_executor import check_ray_request, portable_context, run_bench_on_ray
from reflexion.bench.report import changed_tasks, markdown_table, paired_lines, summary_table
from reflexion.bench.results import common_rows, read_result_files
from reflexion.bench.source import BUILTIN_SOURCES, SOURCE_DOMAINS
from reflexion.bench.summary import BenchSummary
from reflexion.checkpoint import db_target
from reflexion.cli import EXIT_ERROR
from reflexion.cli.common import add_model_options, add_storage_options, console, session
from reflexion.domains import Domain, domain_names, get_domain
from reflexion.errors import ModelError, SettingsError
from reflexion.run_settings import add_run_options
from reflexion.state import DEFAULT_RETRY_TEMPERATURE, Task

EXECUTORS = ("local", "ray")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bench", help="run a benchmark (resumable) or summarise result files", description=__doc__,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("source", nargs="?", metavar="SOURCE",
                   help=f"{', '.join(SOURCE_DOMAINS)}, a task file, or {BUILTIN_SOURCES[0]!r} for the domain's built-in set")
    p.add_argument("--domain", help=f"task domain: {', '.join(domain_names())} (default: programming for humaneval, mbpp and .py files)")
    p.add_argument("--limit", type=int, metavar="N", help="only the first N tasks")
    p.add_argument("--task", action="extend", nargs="+", metavar="ID", help="only these task ids")
    add_run_options(p)
    p.add_argument("--concurrency", type=int, default=1, metavar="C", help="tasks run at once (default: 1)")
    p.add_argument("--executor", choices=EXECUTORS, default="local",
                   help="local: in this process; ray: each task a Ray task on the cluster at $RAY_ADDRESS (else a local one), "
                   "with a PostgreSQL --db (needs the [ray] extra)")  # fmt: skip
    p.add_argument("--out", metavar="FILE", help="result file (default: results/<domain>-<source>-<strategy>.jsonl)")
    p.add_argument("--summary", nargs="+", metavar="FILE", help="summarise these result files; run nothing")
    p.add_argument("--common", action="store_true", help="with --summary: only the tasks every file has (runs still in progress)")
    p.add_argument("--plot", metavar="PNG", help="draw pass@1 per trial to this image (needs the [plot] extra)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON instead of a table")
    p.add_argument("--markdown", action="store_true", help="with --summary: print it as a Markdown table (one row per file)")
    add_storage_options(p)
    add_model_options(p)
    p.set_defaults(handler=handle)


@dataclass(frozen=True, kw_only=True)
class BenchRequest:
    """What a bench is asked to do, validated when it is made (before any model starts)."""

    source: str
    settings: BenchSettings
    domain: str | None = None
    tasks: list[str] | None = None  # these task ids (all when None)
    limit: int | None = None
    out: str | None = None
    db: str | None = None
    gguf: str | None = None
    verbose: bool = False
    json: bool = False
    plot: str | None = None
    executor: str = "local"  # one of EXECUTORS

    def __post_init__(self) -> None:
        if self.executor == "ray":
            check_ray_request(self.db, self.settings, self.gguf)

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> BenchRequest:
        if not args.source:
            raise SettingsError("give a SOURCE to run (humaneval, mbpp, a task file, or builtin with --domain), or --summary FILE ...")
        return cls(source=args.source, settings=BenchSettings.from_args(args, concurrency=args.concurrency), domain=args.domain,
                   tasks=args.task, limit=args.limit, out=args.out, db=args.db, gguf=args.gguf, verbose=args.verbose, json=args.json,
                   plot=args.plot, executor=args.executor)  # fmt: skip


def handle(args: argparse.Namespace) -> int:
    if args.summary:
        if args.source:
            raise SettingsError("give either a SOURCE to run or --summary FILE ..., not both")
        if args.json and args.markdown:
            raise SettingsError("give --json or --markdown, not both")
        return _report(args)
    if args.markdown or args.common:
        raise SettingsError(f"{'--markdown' if args.markdown else '--common'} goes with --summary FILE ...")
    request = BenchRequest.from_args(args)
    args.resume_hint = bench_command(request)
    return execute(request)


def execute(request: BenchRequest) -> int:
    """Run (or resume) the bench, then print and write its summary."""
    settings = request.settings
    domain = get_domain(domain_for(request.source, request.domain))
    tasks = pick(load_source(domain, request.source), request.tasks, request.limit)
    out = Path(request.out) if request.out else default_out(request.source, domain.name, settings.strategy)
    resume_hint = bench_command(request)
    ui = Console(stderr=True, highlight=False, soft_wrap=True) if request.json else console  # keep stdout for the JSON

    with ResultFile.open(out) as results:
        check_compatible(results, domain.name, settings, domain.settings())  # before any model starts
        left = sum(not results.done(task["id"]) for task in tasks)
        ui.print(f"[bold]bench[/] {len(tasks)} {domain.name} tasks · strategy {settings.strategy} · up to {settings.budget} trials · "
                 f"{len(tasks) - left} already done · results {escape(str(out))}", soft_wrap=True)  # fmt: skip
        if left:
            try:
                _run(request, domain, tasks, results, ui)
            except ModelError as exc:
                print(f"error: {exc}; finished tasks are saved in {out}; resume with: {resume_hint}", file=sys.stderr)
                return EXIT_ERROR
        rows = list(results.rows)

    summary = summarize(rows, label=out.stem)
    summary_file = out.with_name(out.stem + ".summary.json")
    summary_file.write_text(json.dumps(summary.to_dict(), indent=2) + "\n", encoding="utf-8")
    if request.json:
        print(json.dumps(summary.to_dict(), indent=2))
    else:
        console.print(summary_table([summary]))
        for line in changed_tasks([summary]):
            console.print(escape(line), soft_wrap=True)
        console.print(f"[dim]rows: {escape(str(out))} · summary: {escape(str(summary_file))}[/]")
    if request.plot:
        path = plot_curves([summary], request.plot)
        if not request.json:
            console.print(f"wrote {escape(str(path))}")
    return 0


def _run(request: BenchRequest, domain: Domain, tasks: list[Task], results: ResultFile, ui: Console) -> None:
    settings = request.settings
    label = f"{domain.name} · {settings.strategy}"
    if request.executor == "ray":
        run_bench_on_ray(portable_context(domain), tasks, results, settings, db=db_target(request.db), progress=BarProgress(ui, label=label))
        return
    with session(domain, db=request.db, gguf=request.gguf) as (graph, context):
        progress = NodeProgress(ui) if request.verbose and settings.concurrency == 1 else BarProgress(ui, label=label)
        run_bench(graph, context, tasks, results, settings, progress=progress, db=request.db)


def _report(args: argparse.Namespace) -> int:
    files = read_result_files(args.summary)
    if args.common:
        files = common_rows(files)
    summaries = [summarize(rows, label=path.stem) for path, rows in files.items()]
    if args.json:
        print(json.dumps([s.to_dict() for s in summaries], indent=2))
    else:
        notes = [*changed_tasks(summaries), *paired_lines([(path.stem, rows) for path, rows in files.items()])]
        if args.markdown:
            print("\n".join([markdown_table(summaries), "", *(f"- {line}" for line in notes)]).rstrip())
        else:
            console.print(summary_table(summaries))
            for line in notes:
                console.print(escape(line), soft_wrap=True)
    _plot(summaries, args)
    return 0


def _plot(summaries: list[BenchSummary], args: argparse.Namespace) -> None:
    if args.plot:
        path = plot_curves(summaries, args.plot)
        if not args.json:
            console.print(f"wrote {escape(str(path))}")


def bench_command(request: BenchRequest) -> str:
    """The command line that runs this bench again (and so resumes it)."""
    settings = request.settings
    words = ["reflexion", "bench", request.source]
    options = {
        "--domain": request.domain,
        "--limit": request.limit,
        "--strategy": settings.strategy,
        "--max-trials": settings.max_trials,
        "--window": settings.memory_window,
        "--retry-temperature": None if settings.retry_temperature == DEFAULT_RETRY_TEMPERATURE else settings.retry_temperature,
        "--concurrency": None if settings.concurrency == 1 else settings.concurrency,
        "--executor": None if request.executor == "local" else request.executor,
        "--out": request.out,
        "--db": request.db,
        "--gguf": request.gguf,
    }
    if request.tasks:
        words += ["--task", *request.tasks]
    for option, value in options.items():
        if value is not None:
            words += [option, str(value)]
    return shlex.join(words)
