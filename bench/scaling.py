"""Scaling figures: how close ``run_bench`` comes to the ideal wall time when the model is slow, and
what the framework itself costs per graph step, with each checkpointer.

    .venv/bin/python bench/scaling.py [--quick] [--stores memory,sqlite,postgres] [--postgres URL] [--profile]

The model is the project's OpenAI stub (``reflexion.testing.openai_stub``) in a process of its own,
waiting a fixed delay before every reply. The tasks are ``qa`` questions (copies of one, under fresh
ids) that the stub always answers wrongly, so every task spends its whole budget: ``--trials`` T
trials are T actor calls and T - 1 reflections (2T - 1 model calls, 4T - 1 graph steps; the qa
evaluator calls no model). Retries at a temperature are off, so every task makes the same calls.

    ideal = rounds of tasks (ceil(tasks / concurrency)) x calls a task x delay

``% of ideal`` is ideal / wall. The framework's cost per step is measured at delay 0 and concurrency
1: the wall time less the raw ``ChatOpenAI`` calls (timed on their own against the same stub),
divided by the graph steps (after a one-task warm-up: imports, HTTP clients). Each row gets a fresh store (a new SQLite file; a new database on the
PostgreSQL server). Without ``--postgres`` a throwaway server is started (``tests/drivers/postgres.py``;
needs Debian's ``postgresql``). ``--profile`` adds a cProfile of the cost run and of the widest run at
1 s (where the time goes, by package, and the top functions). About 5 minutes on 2 busy cores;
``--quick`` about 2.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import math
import pstats
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

# The throwaway PostgreSQL server lives beside the tests (tests/drivers), not in the installed package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from langchain_openai import ChatOpenAI  # noqa: E402

from reflexion.bench import BenchSettings, ResultFile, run_bench  # noqa: E402
from reflexion.checkpoint import open_checkpointer  # noqa: E402
from reflexion.context import Context  # noqa: E402
from reflexion.domains import get_domain  # noqa: E402
from reflexion.graphs import build_graph  # noqa: E402
from reflexion.state import Task  # noqa: E402
from reflexion.testing.openai_stub import STUB_MODELS, OpenAIStubProcess, Rule, Script  # noqa: E402

STORES = ("memory", "sqlite", "postgres")


@dataclass(frozen=True)
class Case:
    delay: float  # seconds the stub waits before each reply
    concurrency: int
    tasks: int


@dataclass(frozen=True)
class Row:
    store: str
    case: Case
    wall: float
    ideal: float
    calls: int
    steps: int
    cpu: float  # CPU seconds this process spent (all its threads): on busy cores, what it was given

    @property
    def share(self) -> float:
        return self.ideal / self.wall if self.wall else 0.0


def cases(quick: bool) -> list[Case]:
    """1 s replies: one round at concurrency 1, 32 and 256; 100 ms: rounds of 1, 8 and 32 tasks."""
    rounds = 2 if quick else 4
    return [
        *(Case(1.0, c, c) for c in (1, 32, 256)),
        *(Case(0.1, c, c * rounds) for c in (1, 8, 32)),
    ]


def qa_tasks(count: int) -> list[Task]:
    return [{"id": f"q{n:04d}", "domain": "qa", "prompt": "What is the answer to this question?", "data": {"answer": "42"}}
            for n in range(count)]  # fmt: skip


def stub_script(delay: float) -> Script:
    return Script(rules=[
        Rule("The answer was a guess. Next time work it out.", model=STUB_MODELS["reflector"], delay=delay),
        Rule("I think it is zero.\nAnswer: 0", model=STUB_MODELS["actor"], delay=delay),
    ])  # fmt: skip


def context_for(base_url: str) -> Context:
    def model(role: str) -> ChatOpenAI:
        return ChatOpenAI(model=STUB_MODELS[role], base_url=base_url, api_key="sk-test", max_retries=0, timeout=60)  # type: ignore[arg-type]

    return Context.of(actor=model("actor"), evaluator=model("evaluator"), reflector=model("reflector"), domain=get_domain("qa"))


class Stores:
    """A fresh store per row: nothing (memory), a new SQLite file, or a new PostgreSQL database."""

    def __init__(self, root: Path, postgres: str | None, stack: ExitStack) -> None:
        self.root, self.postgres, self.stack, self.count = root, postgres, stack, 0
        self._server = None

    def target(self, store: str) -> str:
        """What run_bench's ``db`` names for its locks (and the checkpointer uses, but for memory)."""
        self.count += 1
        if store != "postgres":
            return str(self.root / f"run{self.count}" / "checkpoints.sqlite")
        if self.postgres:
            return self.postgres  # every row's threads are its own (their ids hold the result file's path)
        if self._server is None:
            from drivers.postgres import throwaway_postgres

            # A lock connection per running task (advisory locks), plus the checkpointer's.
            self._server = self.stack.enter_context(throwaway_postgres(max_connections=600))
        name = f"scaling_{self.count}"
        self._server.sql(f"CREATE DATABASE {name}")
        return self._server.url(database=name)


@contextmanager
def compiled(store: str, db: str) -> Iterator[object]:
    if store == "memory":
        from langgraph.checkpoint.memory import InMemorySaver

        yield build_graph(InMemorySaver(), domain=get_domain("qa"))
        return
    with open_checkpointer(db) as saver:
        yield build_graph(saver, domain=get_domain("qa"))


def run_case(store: str, case: Case, trials: int, base_url: str, stores: Stores, profile: cProfile.Profile | None = None) -> Row:
    db = stores.target(store)
    out = Path(stores.root / f"results{stores.count}.jsonl")
    settings = BenchSettings(strategy="reflexion", max_trials=trials, retry_temperature=0.0, concurrency=case.concurrency)
    tasks, context = qa_tasks(case.tasks), context_for(base_url)
    with compiled(store, db) as graph, ResultFile.open(out) as results:
        started, cpu = time.perf_counter(), time.process_time()
        with profiling(profile):
            run_bench(graph, context, tasks, results, settings, db=db)  # type: ignore[arg-type]
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        rows = list(results.rows)
    calls = sum(u["calls"] for row in rows for u in row["usage"].values())
    if len(rows) != case.tasks or any(row["trials"] != trials or row["outcome"] != "failed" for row in rows):
        raise SystemExit(f"error: the {store} run at delay {case.delay} did not spend every budget; the figures would be wrong")
    per_task = 2 * trials - 1
    if calls != case.tasks * per_task:
        raise SystemExit(f"error: expected {case.tasks * per_task} model calls, counted {calls}")
    ideal = math.ceil(case.tasks / case.concurrency) * per_task * case.delay
    return Row(store, case, wall, ideal, calls, case.tasks * (4 * trials - 1), cpu)


@contextmanager
def profiling(profile: cProfile.Profile | None) -> Iterator[None]:
    """Profile the harness where it runs: the thread of the synchronous API's event loop when there
    is one (``reflexion.loop``), else this thread (the threaded harness before it)."""
    if profile is None:
        yield
        return
    try:
        from reflexion.loop import run_sync
    except ImportError:
        run_sync = None
    if run_sync is None:
        profile.enable()
    else:
        run_sync(_call(profile.enable))
    try:
        yield
    finally:
        if run_sync is None:
            profile.disable()
        else:
            run_sync(_call(profile.disable))


async def _call(function: Callable[[], object]) -> None:
    function()


def raw_call_seconds(base_url: str, calls: int = 50) -> float:
    """One plain ``ChatOpenAI.invoke`` against the stub at delay 0, on average."""
    model = context_for(base_url).model("actor")
    model.invoke("warm up")
    started = time.perf_counter()
    for _ in range(calls):
        model.invoke("What is the answer to this question?")
    return (time.perf_counter() - started) / calls


def package_shares(profile: cProfile.Profile, top: int = 8) -> list[tuple[str, float]]:
    """Own time (tottime) per top-level package, as a share of the whole."""
    stats = pstats.Stats(profile)
    totals: dict[str, float] = {}
    for (filename, _, _), (_, _, tottime, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        totals[_package(filename)] = totals.get(_package(filename), 0.0) + tottime
    whole = sum(totals.values()) or 1.0
    return sorted(((name, t / whole) for name, t in totals.items()), key=lambda item: -item[1])[:top]


def _package(filename: str) -> str:
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins (C: sockets, locks, select, sqlite3)"
    if "/work/" in filename or "reflexion" in filename:
        return "reflexion (this project)"
    return "stdlib: " + Path(filename).stem


def print_profile(title: str, profile: cProfile.Profile, seconds: float) -> None:
    print(f"\nprofile: {title} ({seconds:.1f} s wall)")
    for name, share in package_shares(profile):
        print(f"  {share:6.1%}  {name}")
    stats = pstats.Stats(profile)
    stats.sort_stats("tottime").print_stats(12)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer rounds at 100 ms, fewer tasks for the cost per step")
    parser.add_argument("--stores", default=",".join(STORES), help=f"checkpointers to measure, comma-separated (default: {','.join(STORES)})")
    parser.add_argument("--postgres", metavar="URL", help="use this PostgreSQL database instead of starting a throwaway server")
    parser.add_argument("--trials", type=int, default=3, metavar="T", help="trials per task (default 3: 5 model calls, 11 graph steps)")
    parser.add_argument("--profile", action="store_true", help="also profile the cost run and the widest 1 s run (first store)")
    parser.add_argument("--json", metavar="FILE", help="also write the rows as JSON")
    args = parser.parse_args(argv)
    stores_wanted = [s.strip() for s in args.stores.split(",") if s.strip()]
    if not stores_wanted or any(s not in STORES for s in stores_wanted):
        parser.error(f"--stores takes a comma-separated list of {', '.join(STORES)}")
    if args.trials < 1:
        parser.error("--trials must be at least 1")

    rows: list[Row] = []
    costs: dict[str, tuple[float, float, float]] = {}  # store -> framework seconds per step, per call; CPU seconds per step
    profiles: list[tuple[str, cProfile.Profile, float]] = []
    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="reflexion-scaling-") as root:
        stores = Stores(Path(root), args.postgres, stack)
        with OpenAIStubProcess(stub_script(0.0), keep_alive=True) as stub:
            raw = raw_call_seconds(stub.base_url)
            print(f"raw ChatOpenAI call against the stub (its own process, no delay): {raw * 1000:.1f} ms", flush=True)
            for i, store in enumerate(stores_wanted):
                run_case(store, Case(0.0, 1, 1), args.trials, stub.base_url, stores)  # warm up: imports, clients, the store
                profile = cProfile.Profile() if args.profile and i == 0 else None
                row = run_case(store, Case(0.0, 1, 4 if args.quick else 10), args.trials, stub.base_url, stores, profile)
                framework = max(row.wall - row.calls * raw, 0.0)
                costs[store] = (framework / row.steps, framework / row.calls, row.cpu / row.steps)
                print(f"{store}: framework cost {costs[store][0] * 1000:.1f} ms per graph step, "
                      f"{costs[store][1] * 1000:.1f} ms per model call ({row.steps} steps, {row.calls} calls, {row.wall:.2f} s; "
                      f"CPU {costs[store][2] * 1000:.1f} ms per step, the client's share of the calls included)", flush=True)  # fmt: skip
                if profile is not None:
                    profiles.append((f"{store}, delay 0, concurrency 1", profile, row.wall))
        for delay in sorted({c.delay for c in cases(args.quick)}, reverse=True):
            with OpenAIStubProcess(stub_script(delay), keep_alive=True) as stub:
                for i, store in enumerate(stores_wanted):
                    for case in (c for c in cases(args.quick) if c.delay == delay):
                        widest = args.profile and i == 0 and delay == 1.0 and case.concurrency == max(c.concurrency for c in cases(args.quick))
                        profile = cProfile.Profile() if widest else None
                        row = run_case(store, case, args.trials, stub.base_url, stores, profile)
                        rows.append(row)
                        print(f"  {store:<8} delay {delay:>4} s  concurrency {case.concurrency:>3}  tasks {case.tasks:>3}  "
                              f"wall {row.wall:6.2f} s  ideal {row.ideal:5.1f} s  {row.share:4.0%}  cpu {row.cpu:6.2f} s", flush=True)  # fmt: skip
                        if profile is not None:
                            profiles.append((f"{store}, delay {delay} s, concurrency {case.concurrency}", profile, row.wall))

    print(f"\n{'checkpointer':<12} {'delay':>6} {'concurrency':>11} {'tasks':>5} {'wall s':>7} {'ideal s':>7} {'% of ideal':>10} {'cpu s':>6}")
    for row in rows:
        print(f"{row.store:<12} {row.case.delay:>6} {row.case.concurrency:>11} {row.case.tasks:>5} {row.wall:>7.2f} {row.ideal:>7.1f} "
              f"{row.share:>10.0%} {row.cpu:>6.2f}")  # fmt: skip
    print(f"\nraw ChatOpenAI call: {raw * 1000:.1f} ms; trials per task {args.trials}: {2 * args.trials - 1} model calls, {4 * args.trials - 1} graph steps")
    for store, (per_step, per_call, cpu_step) in costs.items():
        single = next((r for r in rows if r.store == store and r.case.delay == 0.1 and r.case.concurrency == 1), None)
        share = f"; framework share of the wall at concurrency 1, 100 ms: {1 - single.share:.1%}" if single else ""
        print(f"{store}: framework {per_step * 1000:.1f} ms per graph step, {per_call * 1000:.1f} ms per model call, "
              f"CPU {cpu_step * 1000:.1f} ms per step{share}")  # fmt: skip
    for title, profile, seconds in profiles:
        print_profile(title, profile, seconds)
    if args.json:
        data = [{"store": r.store, "delay": r.case.delay, "concurrency": r.case.concurrency, "tasks": r.case.tasks,
                 "wall_s": round(r.wall, 3), "ideal_s": r.ideal, "share": round(r.share, 4), "cpu_s": round(r.cpu, 3)} for r in rows]  # fmt: skip
        Path(args.json).write_text(json.dumps({"rows": data, "raw_call_s": raw, "cost_per_step_s": {s: c[0] for s, c in costs.items()}}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
