"""Does a retry change the answer? Wrong answers given again in an exact-match bench's result rows.

    .venv/bin/python bench/answers.py docs/results/hotpotqa-cot-gt-*.jsonl [--common]

With exact match as the evaluator (HotPotQA's, as in the paper) an answer marked wrong stays wrong:
a later trial that gives it again, in other words (the evaluator's normalisation: case, punctuation,
articles), cannot pass and is a wasted trial. For each result file it prints, over the trials after
a thread's first:

- **again**: the answer is one already marked wrong in the same thread, after normalisation;
- **word for word**: of those, the very same string. The loop already redraws an attempt that repeats
  an earlier one (once, sampled; its check is blind to case and whitespace only, so "Yes." after "Yes"
  is not caught): these are answers given again after that redraw;
- **no answer**: the trial gave no answer at all.

The answers are read back from each trial's feedback (``'<answer>' is not the correct answer.``);
rows of other evaluators are skipped. ``--common`` keeps only the tasks every file has. No model is asked.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reflexion.answers import normalize_answer  # noqa: E402
from reflexion.bench import common_rows, read_result_files  # noqa: E402
from reflexion.errors import TaskError  # noqa: E402

# What domains/hotpotqa/evaluation.py's exact_match_feedback writes.
VERDICT = re.compile(r"'(?P<answer>.*)' is (?:correct|not the correct answer)\.", re.DOTALL)


@dataclass(frozen=True)
class AnswerFigures:
    tasks: int
    later: int  # trials after a thread's first
    again: int  # ... whose answer was already marked wrong in the thread (normalised)
    verbatim: int  # ... of those, the same string word for word
    no_answer: int  # ... that gave no answer


def answer_of(feedback: str) -> str | None:
    """The answer a trial gave, read back from exact-match feedback; None when it gave none."""
    match = VERDICT.fullmatch(feedback.strip())
    return match.group("answer") if match else None


def exact_match_rows(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [row for row in rows if (row.get("domain_settings") or {}).get("evaluator") == "exact"]


def figures(rows: Iterable[dict[str, Any]]) -> AnswerFigures:
    tasks = later = again = verbatim = no_answer = 0
    for row in rows:
        tasks += 1
        wrong: dict[str, set[str]] = {}  # normalised wrong answer -> the strings given for it
        for number, verdict in enumerate(row.get("verdicts") or []):
            answer = answer_of(str(verdict.get("feedback", "")))
            said = None if answer is None else normalize_answer(answer)
            if number:
                later += 1
                if said is None:
                    no_answer += 1
                elif said in wrong:
                    again += 1
                    verbatim += answer in wrong[said]
            if said is not None and not verdict.get("success"):
                wrong.setdefault(said, set()).add(str(answer))
    return AnswerFigures(tasks, later, again, verbatim, no_answer)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", help="result files (JSON lines) of exact-match runs")
    parser.add_argument("--common", action="store_true", help="only the tasks every file has")
    args = parser.parse_args(argv)
    try:
        runs = {path: exact_match_rows(rows) for path, rows in read_result_files(args.files).items()}
    except TaskError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.common:
        runs = common_rows(runs)
    for name, rows in runs.items():
        f = figures(rows)
        if not f.later:
            print(f"{name}: {f.tasks} exact-match tasks, no thread ran a second trial")
            continue
        print(
            f"{name}: {f.tasks} exact-match tasks, {f.later} later trials: {f.again} gave an answer already "
            f"marked wrong ({f.again / f.later:.0%}; {f.verbatim} word for word), {f.no_answer} no answer"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
