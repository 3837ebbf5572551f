"""The examples in the docs run as written, and the results tables are what the committed rows give."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).parents[2] / "docs"


def test_the_writing_a_domain_example_runs():
    blocks = re.findall(r"```python\n(.*?)```", (DOCS / "domains.md").read_text(), flags=re.S)
    namespace: dict = {}
    exec(compile("\n".join(blocks), "docs/domains.md", "exec"), namespace)  # our own docs, not model output
    assert namespace["state"]["trial"] == 2


def test_the_results_tables_are_what_the_committed_rows_give():
    """docs/results.md's HumanEval tables are `reflexion bench --summary ... --markdown` of the rows
    committed beside it: adding rows without refreshing the tables fails here."""
    from reflexion.bench import common_rows, read_rows, summarize
    from reflexion.bench.report import markdown_table

    files = [DOCS / "results" / f"humaneval-{strategy}.jsonl" for strategy in ("last_attempt", "last_attempt_and_reflexion")]
    rows = {path.stem: read_rows(path) for path in files}
    doc = (DOCS / "results.md").read_text(encoding="utf-8")
    for option, selected in (("--common ", common_rows(rows)), ("", rows)):
        table = markdown_table([summarize(file_rows, label=stem) for stem, file_rows in selected.items()])
        assert table in doc, f"refresh docs/results.md: {option}--markdown gives\n{table}"
