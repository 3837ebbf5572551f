"""The harness as a plain function: a model object, some qa tasks, files in tmp_path; no env."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
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


def load_bench_script(name: str) -> ModuleType:
    """A script of the top-level ``bench/`` folder (not a package), imported as a module."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", Path(__file__).resolve().parents[3] / "bench" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def bench_script() -> Callable[[str], ModuleType]:
    """Import a script of the top-level ``bench/`` folder by name (``bench_script("lessons")``)."""
    return load_bench_script
