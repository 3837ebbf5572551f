"""Reliability figures: kills survived, model faults survived, hostile programs contained, bad
inputs refused cleanly, each as survived / tried, then the details.

    .venv/bin/python bench/reliability.py [--only kills,faults,hostile,bad-input] [--seed N]

- kills: ``reflexion bench`` (three HumanEval tasks against the scripted stub) SIGKILLed mid model
  call, mid sandbox execution, between trials, while a result line is written, and at random
  moments, then finished by the same command (``drivers.killer``); plus the state a kill
  between a thread's first two commits leaves, made on purpose. A kill counts as
  survived when nothing of the killed process was left running, the result file held only whole,
  correct lines, and the re-run ended with the same rows as an uninterrupted run without asking the
  model again for a finished task.
- faults: ``drivers.faults.run_fault_matrix()`` (HTTP errors, hangs, dropped
  connections, malformed, empty and cut-off replies, over real HTTP).
- hostile: the ``tests/hostile`` corpus in the sandbox (``drivers.corpus``).
- bad input: ``drivers.bad_inputs``, each case a real ``reflexion`` process: refused
  cleanly = non-zero exit, one line on stderr, no traceback, and the line names the problem.

About 4 minutes on 2 busy cores.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# The drivers live beside the tests (tests/drivers), not in the installed package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

REPO = Path(__file__).resolve().parents[1]
SECTIONS = ("kills", "faults", "hostile", "bad-input")


@dataclass
class Section:
    label: str  # the summary row
    survived: int
    tried: int
    details: str
    seconds: float


def kills(seed: int) -> Section:
    from drivers.killer import run_kill_matrix

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="reflexion-kills-") as root:
        scenarios = run_kill_matrix(Path(root), seed=seed)
    lines = [f"{'kill point':<28} {'kills':>5} {'survived':>8}  notes"]
    for s in scenarios:
        notes = []
        if any(k.sandbox_seen for k in s.kills):
            notes.append("sandbox running at a kill")
        if writing := sum(bool(k.ended) for k in s.kills):
            notes.append(f"{writing} kill(s) after a thread ended, before its line was written")
        if unapplied := sum(bool(k.unapplied) for k in s.kills):
            notes.append(f"{unapplied} left a thread holding only its input")
        notes += s.problems[:3]
        lines.append(f"{s.point:<28} {len(s.kills):>5} {s.survived:>8}  {'; '.join(notes)}".rstrip())
    return Section("kills (SIGKILL) survived", sum(s.survived for s in scenarios), sum(len(s.kills) for s in scenarios),
                   "\n".join(lines), time.monotonic() - started)  # fmt: skip


def faults(seed: int) -> Section:
    from drivers.faults import run_fault_matrix

    started = time.monotonic()
    rows = run_fault_matrix()
    lines = [f"{'fault':<38} {'expected':<20} {'injected':>8} {'survived':>8}"]
    lines += [f"{r['kind']:<38} {r['expected']:<20} {r['injected']:>8} {r['survived']:>8}" + ("" if r["handled"] else f"  {r['observed']}")
              for r in rows]  # fmt: skip
    return Section("model faults survived", sum(r["survived"] for r in rows), sum(r["injected"] for r in rows),
                   "\n".join(lines), time.monotonic() - started)  # fmt: skip


def hostile(seed: int) -> Section:
    from drivers.corpus import format_table, run_corpus, tally

    started = time.monotonic()
    outcomes = run_corpus(REPO / "tests" / "hostile")
    rows = tally(outcomes)
    details = format_table(rows)
    missed = [o.summary() + (" (a documented known gap)" if o.program.known_gap else "") for o in outcomes if not o.contained]
    if missed:
        details += "\nnot contained:\n  " + "\n  ".join(missed)
    return Section("hostile programs contained", sum(r.contained for r in rows), sum(r.tried for r in rows), details,
                   time.monotonic() - started)  # fmt: skip


def bad_input(seed: int) -> Section:
    from drivers.bad_inputs import run_bad_inputs

    started = time.monotonic()
    rejections = run_bad_inputs()
    clean = [r for r in rejections if r.clean]
    lines = [f"{len(clean)} of {len(rejections)} refused with one clear line; not clean:"]
    lines += [f"  {r.case.name}: {r.problem}" for r in rejections if not r.clean] or ["  (none)"]
    return Section("bad inputs refused cleanly", len(clean), len(rejections), "\n".join(lines), time.monotonic() - started)


RUNNERS: dict[str, Callable[[int], Section]] = {"kills": kills, "faults": faults, "hostile": hostile, "bad-input": bad_input}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated sections to run (default: all of {','.join(SECTIONS)})")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random kill moments (default: 0)")
    args = parser.parse_args()
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    if unknown := [name for name in chosen if name not in RUNNERS]:
        parser.error(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")

    sections = []
    for name in chosen:
        section = RUNNERS[name](args.seed)
        sections.append(section)
        print(f"## {section.label} ({section.seconds:.0f} s)\n{section.details}\n", flush=True)
    print(f"{'reliability':<28} {'survived':>8} {'tried':>6}")
    for section in sections:
        print(f"{section.label:<28} {section.survived:>8} {section.tried:>6}")


if __name__ == "__main__":
    main()
