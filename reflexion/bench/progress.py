"""What the terminal shows while a bench runs: a progress bar with one line per finished task, or
(one task at a time, ``--verbose``) every node of every trial as it finishes."""

from __future__ import annotations

from typing import Protocol

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from reflexion.bench.results import ResultRow
from reflexion.interrupts import register_cleanup
from reflexion.progress import ConsoleProgress
from reflexion.runner import OnEvent
from reflexion.state import Task


class BenchProgress(Protocol):
    def start(self, total: int, done: list[ResultRow]) -> None:
        """``total`` selected tasks; ``done``: those of them already in the result file."""

    def task_started(self, task: Task, thread_id: str, trial: int, resumed: bool) -> OnEvent | None:
        """Called as a task starts (or resumes at ``trial``); returns its graph-event handler."""

    def task_finished(self, row: ResultRow) -> None: ...

    def stop(self) -> None: ...


def result_line(row: ResultRow) -> str:
    mark = "[green]✓[/]" if row["passed"] else "[red]✗[/]"
    said = "" if row["final"] is None or row["passed"] == (row["outcome"] == "solved") else f" [yellow](loop said {row['outcome']})[/]"
    resumed = " [dim](resumed)[/]" if row["resumed"] else ""
    return f"{mark} {escape(row['task_id'])}: {'passed' if row['passed'] else 'failed'} after {row['trials']} trial(s){said}{resumed}"


class BarProgress:
    """A rich progress bar over the tasks; each finished task prints one line above it."""

    def __init__(self, console: Console | None = None, *, label: str = "bench") -> None:
        self.console = console or Console(highlight=False, soft_wrap=True)
        self.label = label
        self.passed = 0
        self._bar = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("· {task.fields[passed]} passed"),
            TimeElapsedColumn(),
            console=self.console,
            transient=False,
        )
        self._task_id: TaskID | None = None
        self._unregister = lambda: None

    def start(self, total: int, done: list[ResultRow]) -> None:
        self.passed = sum(row["passed"] for row in done)
        # Ctrl-C exits at once (reflexion.interrupts): give the terminal its cursor back first.
        self._unregister = register_cleanup(self._show_cursor)
        self._bar.start()
        self._task_id = self._bar.add_task(escape(self.label), total=total, completed=len(done), passed=self.passed)

    def task_started(self, task: Task, thread_id: str, trial: int, resumed: bool) -> OnEvent | None:
        return None

    def _show_cursor(self) -> None:
        self.console.show_cursor(True)

    def task_finished(self, row: ResultRow) -> None:
        self.passed += row["passed"]
        self._bar.console.print(result_line(row))
        if self._task_id is not None:  # started
            self._bar.update(self._task_id, advance=1, passed=self.passed)

    def stop(self) -> None:
        self._bar.stop()
        self._unregister()


class NodeProgress:
    """One line per node of every trial (``reflexion run``'s view), one task after another."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(highlight=False, soft_wrap=True)
        self.total = self.count = 0

    def start(self, total: int, done: list[ResultRow]) -> None:
        self.total, self.count = total, len(done)
        if done:
            self.console.print(f"[dim]{len(done)} of {total} tasks already done[/]")

    def task_started(self, task: Task, thread_id: str, trial: int, resumed: bool) -> OnEvent | None:
        self.count += 1
        how = f"resuming at trial {trial}" if resumed else "starting"
        self.console.rule(f"[{self.count}/{self.total}] {escape(task['id'])} · {how} · thread {escape(thread_id)}", align="left")
        return ConsoleProgress(self.console, trial=trial, verbose=True)

    def task_finished(self, row: ResultRow) -> None:
        self.console.print(result_line(row))

    def stop(self) -> None:
        pass
