"""Does the reflector say something new? Lesson repetition in a bench's result rows.

    .venv/bin/python bench/lessons.py docs/results/humaneval-last_attempt_and_reflexion.jsonl [...]

For each result file (rows with ``reflections``, one lesson per failed trial) it prints, over the
lessons written after a thread's first one:

- **repeated**: the previous lesson again, word for word (whitespace at the ends aside);
- **copy-extended**: the previous lesson whole, with text added after it;
- **new**: anything else;

and how many distinct lessons the threads with two or more wrote. The reflect node already asks
again when a lesson is one in memory (docs/programming.md); a copy-extended lesson is not caught by
that check, and tells the next trial little it did not already hear. No model is asked.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reflexion.bench import read_result_files  # noqa: E402
from reflexion.errors import TaskError  # noqa: E402


@dataclass(frozen=True)
class LessonFigures:
    threads: int  # rows with two or more lessons
    later: int  # lessons after a thread's first
    repeated: int
    extended: int
    distinct: int  # distinct lessons in those threads, added up
    lessons: int  # all lessons in those threads

    @property
    def new(self) -> int:
        return self.later - self.repeated - self.extended


def lessons_of(row: dict[str, Any]) -> list[str]:
    """The row's lessons, whitespace at the ends aside."""
    return [str(lesson).strip() for lesson in row.get("reflections") or []]


def figures(rows: Iterable[dict[str, Any]]) -> LessonFigures:
    threads = later = repeated = extended = distinct = lessons = 0
    for row in rows:
        written = lessons_of(row)
        if len(written) < 2:
            continue
        threads += 1
        lessons += len(written)
        distinct += len(set(written))
        for before, after in itertools.pairwise(written):
            later += 1
            if after == before:
                repeated += 1
            elif after.startswith(before):
                extended += 1
    return LessonFigures(threads, later, repeated, extended, distinct, lessons)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", help="result files (JSON lines) of runs that reflect")
    args = parser.parse_args(argv)
    try:
        files = read_result_files(args.files)
    except TaskError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for name, rows in files.items():
        f = figures(rows)
        if not f.later:
            print(f"{name}: {len(rows)} tasks, no thread wrote two lessons")
            continue
        print(
            f"{name}: {len(rows)} tasks, {f.threads} threads with two or more lessons, {f.later} later lessons: "
            f"{f.repeated} repeated, {f.extended} copy-extended, {f.new} new "
            f"({(f.repeated + f.extended) / f.later:.0%} say nothing new); "
            f"{f.distinct} distinct of {f.lessons} lessons in those threads"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
