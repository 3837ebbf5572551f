"""Progress in the terminal while a run streams: one line per node as it finishes, per trial."""

from __future__ import annotations

import textwrap
from typing import Any

from rich.console import Console
from rich.markup import escape

WIDTH = 100


def first_line(text: str, width: int = 80) -> str:
    line = next((ln.strip() for ln in str(text).splitlines() if ln.strip()), "")
    return line if len(line) <= width else line[: width - 1] + "…"


def feedback_line(text: str, width: int = 70) -> str:
    """The most telling line of feedback: the first failed test if there is a list of them, else
    the first line that is not a header."""
    lines = [ln.strip() for ln in str(text).splitlines() if ln.strip()]
    for index, line in enumerate(lines[:-1]):
        if line.lower().startswith("tests failed"):
            return first_line(lines[index + 1], width)
    return first_line(next((ln for ln in lines if not ln.endswith(":")), ""), width)


class ConsoleProgress:
    """Turns streamed graph events into readable progress lines."""

    def __init__(self, console: Console | None = None, *, trial: int = 1, verbose: bool = False) -> None:
        self.console = console or Console(highlight=False, soft_wrap=True)
        self.trial = trial
        self.verbose = verbose

    def __call__(self, mode: str, namespace: tuple[str, ...], payload: Any) -> None:
        if mode == "custom":
            self._say(f"    [dim]{escape(first_line(payload.get('message', payload) if isinstance(payload, dict) else payload, WIDTH))}[/]")
        elif mode == "tasks" and "input" in payload and not namespace and self.verbose:
            trial = self.trial - 1 if payload["name"] == "reflect" else self.trial
            self._say(f"[dim]trial {trial} · {payload['name']} …[/]")
        elif mode == "updates":
            for node, update in payload.items():
                if namespace:
                    self._step(node, update)
                elif isinstance(update, dict):
                    self._node(node, update)

    def _say(self, text: str) -> None:
        self.console.print(text, soft_wrap=True)

    def _step(self, node: str, update: dict[str, Any]) -> None:
        for step in (update or {}).get("trajectory", []) or []:
            shown = " · ".join(f"{k}: {first_line(v, 60)}" for k, v in step.items())
            self._say(f"    [dim]{escape(node)}: {escape(shown)}[/]")

    def _node(self, node: str, update: dict[str, Any]) -> None:
        head = f"trial {self.trial} · {node:<9}"
        if node == "actor":
            candidate = update.get("candidate", "")
            self._say(f"{head} produced: {escape(first_line(candidate) or '(nothing usable)')}")
        elif node == "evaluator":
            fb = update["feedback"]
            mark = "[green]✓ success[/]" if fb["success"] else "[red]✗ failure[/]"
            self._say(f"{head} {mark} (score {fb['score']:.2f}) {escape(feedback_line(fb['text']))}")
        elif node == "reflect":  # runs after decide moved on: the lesson is about the previous trial
            head = f"trial {self.trial - 1} · {node:<9}"
            for text in update.get("reflections", []):
                wrapped = textwrap.fill(text, WIDTH, initial_indent="    “", subsequent_indent="     ")
                self._say(f"{head} wrote a reflection:\n[italic]{escape(wrapped)}”[/]")
        elif node == "decide":
            decision = update.get("decision")
            if decision == "stop":
                self._say(f"{head} stop: [bold]{update.get('outcome')}[/]")
            else:
                self.trial = update.get("trial", self.trial + 1)
                how = "with a reflection" if decision == "reflect" else "seeing the last attempt"
                self._say(f"{head} retry {how} → trial {self.trial}")
