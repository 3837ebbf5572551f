"""``reflexion bench --executor ray``: each task of a bench runs as a Ray task, on any worker of the
cluster, against one PostgreSQL checkpoint store that every worker reaches.

The driver (the ``reflexion bench`` process) stays the only writer of the result file: a Ray task
opens the checkpointer itself, takes the thread's advisory lock, runs or resumes the thread (the
code the local harness runs: :func:`reflexion.bench.task_run.finish_task`) and returns the row,
which the driver appends once, keyed by task id. A worker that dies mid-task (a kill, a lost node)
makes Ray run the task again on another worker (``max_retries``); it resumes from the thread's last
checkpoint, so no finished model call is made again. A driver killed and run again submits the
tasks not yet in the result file; their threads resume the same way.

What a task carries is plain data: the task, its thread id, the settings, the database URL and the
run-time :class:`~reflexion.context.Context` (the three roles' endpoints and settings, the domain
and its settings). API keys never travel: each worker reads them from its own environment.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass
from typing import Any

from reflexion.bench.harness import BenchRun, BenchSettings, check_compatible
from reflexion.bench.progress import BenchProgress
from reflexion.bench.ray_cluster import import_ray, probe, ray_cluster
from reflexion.bench.results import ResultFile, ResultRow
from reflexion.bench.source import bench_thread_id
from reflexion.bench.task_run import finish_task
from reflexion.checkpoint import describe, is_postgres, open_checkpointer, thread_lock
from reflexion.context import Context, ModelConfig
from reflexion.domains import Domain
from reflexion.errors import ModelError, ReflexionError, RunLockedError, SettingsError, TaskError
from reflexion.models import ROLES, settings_from_env, uses_embedded_model
from reflexion.state import Task

MAX_RETRIES = 3  # Ray runs a task whose worker died again, up to this often (its default); errors are not retried
LOCK_WAIT_S = 60.0  # a retried task waits this long for a dead predecessor's lock to be dropped
OPENAI_URL = "https://api.openai.com/v1"


def check_ray_request(db: str | None, settings: BenchSettings, gguf: str | None) -> None:
    """Refuse, before anything starts, what a distributed bench cannot do; one line each."""
    address = os.environ.get("RAY_ADDRESS")
    if address and address != "auto":
        probe(address)
    if not is_postgres(db):
        raise SettingsError(
            f"--executor ray needs a PostgreSQL --db (postgresql://user:password@host/db) that every worker reaches, "
            f"not the SQLite file {describe(db)}, which lives on one machine"
        )
    if settings.concurrency != 1:
        raise SettingsError("--concurrency is for the local executor; with --executor ray each task takes one CPU of the "
                            "cluster (`ray start --num-cpus N` sets how many run at once on a node)")  # fmt: skip
    if gguf is not None or uses_embedded_model():
        raise SettingsError("--executor ray needs a model endpoint every worker reaches (REFLEXION_BASE_URL, or an API key "
                            "for OpenAI); the embedded local model lives in one process")  # fmt: skip
    import_ray()


def portable_context(domain: Domain, env: dict[str, str] | None = None) -> Context:
    """The context a worker rebuilds the run from: this process's model endpoints and settings
    (without the API keys), the domain's name and settings."""
    roles: dict[str, ModelConfig] = {}
    for role in ROLES:
        s = settings_from_env(role, dict(os.environ) if env is None else env)
        roles[role] = ModelConfig(model=s.model, base_url=s.base_url or OPENAI_URL, temperature=s.temperature,
                                  max_tokens=s.max_tokens, timeout_s=s.timeout_s, max_retries=s.max_retries)  # fmt: skip
    return Context(**roles, domain=domain.name, domain_settings=domain.settings())


@dataclass(frozen=True)
class TaskJob:
    """One Ray task: everything a worker needs to run (or resume) a task's thread, as plain data."""

    task: Task
    thread_id: str
    context: dict[str, Any]  # the Context's fields (dataclasses.asdict)
    settings: BenchSettings
    db: str


@dataclass(frozen=True)
class TaskFailure:
    """An expected failure in a worker (a model gone for good, a thread locked), sent back as data."""

    kind: str  # the error's class name
    message: str
    model: tuple[str, str, str] | None = None  # a ModelError's role, endpoint and reason

    @classmethod
    def of(cls, exc: ReflexionError) -> TaskFailure:
        model = (exc.role, exc.endpoint, exc.reason) if isinstance(exc, ModelError) else None
        return cls(kind=type(exc).__name__, message=str(exc), model=model)

    def error(self) -> ReflexionError:
        if self.model is not None:
            return ModelError(*self.model)
        kinds: dict[str, type[ReflexionError]] = {"RunLockedError": RunLockedError, "SettingsError": SettingsError, "TaskError": TaskError}
        return kinds.get(self.kind, ReflexionError)(self.message)


def run_job(job: TaskJob) -> ResultRow | TaskFailure:
    """The Ray task (runs in a worker): the task's thread to its end, and its row."""
    from reflexion.runner import open_graph

    try:
        context = Context(**job.context)
        with open_graph(context.resolved_domain(), job.db) as graph, _lock_when_free(job.thread_id, job.db):
            return finish_task(graph, context, job.settings, job.task, job.thread_id)
    except ReflexionError as exc:
        return TaskFailure.of(exc)


@contextmanager
def _lock_when_free(thread_id: str, db: str) -> Iterator[None]:
    # A task retried after its worker died may start before the database has noticed that the dead
    # worker's connection, and with it the thread's advisory lock, is gone.
    deadline = time.monotonic() + LOCK_WAIT_S
    with ExitStack() as stack:
        while True:
            try:
                stack.enter_context(thread_lock(thread_id, db))
                break
            except RunLockedError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        yield


def run_bench_on_ray(
    context: Context,
    tasks: list[Task],
    results: ResultFile,
    settings: BenchSettings,
    *,
    db: str,
    progress: BenchProgress | None = None,
    address: str | None = None,
) -> BenchRun:
    """Run every task not yet in ``results`` as a Ray task on the cluster at ``address`` (default:
    ``RAY_ADDRESS``; none: a local cluster); rows are appended here as tasks finish. ``context`` must
    be plain data (see :func:`portable_context`). A :class:`~reflexion.errors.ModelError` in any
    task stops the bench: the other tasks are cancelled, resumable from their checkpoints."""
    check_compatible(results, context.domain, settings, context.resolved_domain().settings())
    if not is_postgres(db):
        raise SettingsError(f"--executor ray needs a PostgreSQL --db that every worker reaches, not {describe(db)}")
    with open_checkpointer(db):
        pass  # the database answers and its tables are set up once, before any worker starts
    done = [row for row in results.rows if row["task_id"] in {task["id"] for task in tasks}]
    todo = [task for task in tasks if not results.done(task["id"])]
    written: list[ResultRow] = []
    plain = asdict(context)
    with ray_cluster(address):
        ray = import_ray()
        remote = ray.remote(num_cpus=1, max_retries=MAX_RETRIES, retry_exceptions=False)(run_job)
        pending: dict[Any, Task] = {}
        if progress is not None:
            progress.start(len(tasks), done)
        try:
            for task in todo:
                job = TaskJob(task=task, thread_id=bench_thread_id(results.path, task["id"], settings.strategy), context=plain,
                              settings=settings, db=db)  # fmt: skip
                # The task's name is its worker's process title while it runs: `ps` shows ray::bench:<task id>.
                pending[remote.options(name=f"bench:{task['id']}").remote(job)] = task
            while pending:
                ready, _ = ray.wait(list(pending), num_returns=1, timeout=1.0)  # a timeout keeps Ctrl-C responsive
                for ref in ready:
                    row = _outcome(ray, ref, pending.pop(ref))
                    if results.append(row):
                        written.append(row)
                        if progress is not None:
                            progress.task_finished(row)
        finally:
            for ref in pending:  # after a failure: like a kill, each stops at its last checkpoint
                ray.cancel(ref, force=True)
            if progress is not None:
                progress.stop()
    return BenchRun(total=len(tasks), skipped=len(done), written=written)


def _outcome(ray: Any, ref: Any, task: Task) -> ResultRow:
    try:
        outcome = ray.get(ref)
    except ray.exceptions.RayTaskError:
        raise  # a bug in the task, with the worker's traceback
    except ray.exceptions.RayError as exc:
        raise ReflexionError(
            f"task {task['id']} could not finish on the Ray cluster ({type(exc).__name__}, after {MAX_RETRIES} retries); "
            "finished tasks are saved, re-run the same command to resume"
        ) from None
    if isinstance(outcome, TaskFailure):
        raise outcome.error()
    return outcome
