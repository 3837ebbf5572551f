"""The harness as a plain function: a model object, some qa tasks, files in tmp_path; no env."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from langchain_core.language_models import BaseChatModel

from reflexion.bench import BenchRun, BenchSettings, ResultFile, run_bench
from reflexion.context import Context
from reflexion.domains.qa import QADomain
from reflexion.runner import open_graph


@pytest.fixture
def bench(tmp_path: Path) -> Callable[..., BenchRun]:
    """Run the harness as a function: a model, some qa tasks, a result file and a SQLite checkpoint file in tmp_path."""

    def run(model: BaseChatModel, task_ids: list[str] | None = None, *, domain: Any = None, out: Path | None = None,
            **settings: Any) -> BenchRun:
        domain = domain or QADomain()
        tasks = domain.load_tasks()
        if task_ids is not None:
            tasks = [t for t in tasks if t["id"] in task_ids]
        db = tmp_path / "checkpoints.sqlite"
        with open_graph(domain, db) as graph, ResultFile.open(out or tmp_path / "results.jsonl") as results:
            return run_bench(graph, Context.with_model(model, domain), tasks, results,
                             BenchSettings(**{"max_trials": 3, **settings}), db=db)

    return run

