"""The examples in the docs run as written, and the results tables are what the committed rows give."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

DOCS = Path(__file__).parents[2] / "docs"


def test_the_writing_a_domain_example_runs():
    blocks = re.findall(r"```python\n(.*?)```", (DOCS / "domains.md").read_text(), flags=re.S)
    namespace: dict = {}
    exec(compile("\n".join(blocks), "docs/domains.md", "exec"), namespace)  # our own docs, not model output
    assert namespace["state"]["trial"] == 2


@pytest.fixture(scope="module")
def tables(bench_script: Callable[[str], ModuleType]) -> ModuleType:
    """bench/results_tables.py, the script that writes docs/results.md's tables."""
    return bench_script("results_tables")


def test_the_results_tables_are_what_the_committed_rows_give(tables: ModuleType):
    """docs/results.md's tables are `reflexion bench --summary docs/results/<benchmark>-*.jsonl --markdown`
    of the rows committed beside it: adding rows without `python bench/results_tables.py` fails here."""
    doc = (DOCS / "results.md").read_text(encoding="utf-8")
    assert {m[1] for m in tables.MARKER.finditer(doc)} == {"humaneval", "mbpp", "hotpotqa-cot-gt"}
    assert tables.refreshed(doc) == doc, "stale tables in docs/results.md: run python bench/results_tables.py"


def test_a_stale_table_is_found_and_rewritten(tables: ModuleType, tmp_path: Path):
    (tmp_path / "results").mkdir()
    rows = (DOCS / "results" / "mbpp-last_attempt_and_reflexion.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    (tmp_path / "results" / "mbpp-x.jsonl").write_text("".join(rows[:3]), encoding="utf-8")
    doc = "# r\n\n<!-- table: mbpp -->\n| old | table |\n| --- | --- |\n\ntext after\n"
    new = tables.refreshed(doc, tmp_path / "results")
    assert new.startswith("# r\n\n<!-- table: mbpp -->\n| run | tasks |") and new.endswith("\n\ntext after\n")
    assert "| `mbpp-x` | 3 |" in new and "old" not in new
    assert tables.refreshed(new, tmp_path / "results") == new
