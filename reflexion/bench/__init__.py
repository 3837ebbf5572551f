"""``reflexion bench``: run a task set through the loop, one checkpointed thread per task, and
summarise the result file (learning curve, self-test false positives/negatives, cost)."""

from reflexion.bench.harness import BenchRun, BenchSettings, arun_bench, run_bench
from reflexion.bench.results import ResultFile, ResultRow, common_rows, final_passed, final_verdict, read_result_files, read_rows
from reflexion.bench.source import bench_thread_id, default_out, domain_for, load_source, pick
from reflexion.bench.summary import BenchSummary, Ratio, summarize

__all__ = [
    "BenchRun",
    "BenchSettings",
    "BenchSummary",
    "Ratio",
    "ResultFile",
    "ResultRow",
    "arun_bench",
    "bench_thread_id",
    "common_rows",
    "default_out",
    "domain_for",
    "final_passed",
    "final_verdict",
    "load_source",
    "pick",
    "read_result_files",
    "read_rows",
    "run_bench",
    "summarize",
]
