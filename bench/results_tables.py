"""Refresh docs/results.md's tables from the result rows committed beside it.

    .venv/bin/python bench/results_tables.py           # rewrite the tables in place
    .venv/bin/python bench/results_tables.py --check   # exit 1 when a table is stale (what CI checks)

Each benchmark's table follows a marker line ``<!-- table: BENCHMARK -->`` and is
``reflexion bench --summary docs/results/BENCHMARK-*.jsonl --markdown`` (one row per result file, in
file-name order). Only the table lines change; the text around them is written by hand.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reflexion.bench import read_rows, summarize  # noqa: E402
from reflexion.bench.report import markdown_table  # noqa: E402

DOCS = Path(__file__).resolve().parent.parent / "docs"
MARKER = re.compile(r"^<!-- table: ([\w.-]+) -->\n((?:\|.*\n)*)", re.MULTILINE)


def table(benchmark: str, results: Path = DOCS / "results") -> str:
    """The Markdown summary of every ``BENCHMARK-*.jsonl`` under ``results``."""
    files = sorted(results.glob(f"{benchmark}-*.jsonl"))
    if not files:
        raise SystemExit(f"no result rows for {benchmark!r} under {results}")
    return markdown_table([summarize(read_rows(path), label=path.stem) for path in files])


def refreshed(doc: str, results: Path = DOCS / "results") -> str:
    """``doc`` with the table after each marker replaced by what the rows give."""
    return MARKER.sub(lambda m: f"<!-- table: {m[1]} -->\n{table(m[1], results)}\n", doc)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether a table is stale")
    parser.add_argument("--doc", type=Path, default=DOCS / "results.md")
    args = parser.parse_args()
    doc = args.doc.read_text(encoding="utf-8")
    new = refreshed(doc, args.doc.parent / "results")
    if args.check:
        stale = [m[1] for m, n in zip(MARKER.finditer(doc), MARKER.finditer(new), strict=True) if m[0] != n[0]]
        print(f"stale tables: {', '.join(stale)}" if stale else "tables are up to date")
        return 1 if stale else 0
    args.doc.write_text(new, encoding="utf-8")
    print(f"refreshed {len(MARKER.findall(new))} tables in {args.doc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
