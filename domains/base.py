"""The domain interface: everything the loop needs to know about a kind of task.

A domain loads its tasks, lets the actor attempt one, and evaluates the attempt. The loop
(``graphs/reflexion.py``) never looks inside a task; adding a domain means writing one of these
and registering its name in ``domains/__init__.py`` (or under the ``reflexion.domains`` entry point).

``aact`` and ``aevaluate`` are the same calls for the async graph (``ainvoke``, ``astream``,
``reflexion bench``). By default they run ``act`` / ``evaluate`` in a worker thread of the event
loop's executor (a bounded pool), so a domain written only synchronously works there too and never
stalls the other tasks; a domain overrides them to ``await step.llm.areply(...)`` instead.
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import get_close_matches
from typing import TYPE_CHECKING, Any, ClassVar

from reflexion.llm import RoleModel
from reflexion.state import Feedback, Task, TrialRecord

if TYPE_CHECKING:
    from langgraph.graph.state import CompiledStateGraph

Emit = Callable[[dict[str, Any]], None]
"""Sends a progress event to whoever streams the graph (``stream_mode="custom"``)."""


@dataclass
class ActorMemory:
    """What the actor may read, as chosen by the reflection strategy."""

    reflections: list[str] = field(default_factory=list)  # the last k lessons
    last_trial: TrialRecord | None = None  # for the ``last_attempt`` strategies
    repeated: int | None = None  # the last attempt repeated this earlier trial's candidate: try something else


@dataclass
class Step:
    """What a domain gets for one actor or evaluator call."""

    task: Task
    llm: RoleModel
    domain_data: dict[str, Any]  # read-only view of the data the domain stored earlier in this run
    emit: Emit = lambda event: None


@dataclass
class Attempt:
    candidate: str  # what gets evaluated: code, an answer, the last action
    trajectory: list[dict[str, Any]] = field(default_factory=list)  # the trial's steps (short-term memory)
    domain_data: dict[str, Any] = field(default_factory=dict)  # updates to keep for later trials


@dataclass
class Evaluation:
    feedback: Feedback
    domain_data: dict[str, Any] = field(default_factory=dict)


class Domain(ABC):
    """The one contract every domain subclasses: ``load_tasks``, ``act`` and ``evaluate`` are required
    (a subclass that leaves one out cannot be instantiated); the rest have defaults. A public method
    whose name is one letter or two away from a hook's (``actor_grpah``) is refused when the class is
    defined: it would otherwise never be called, silently."""

    name: ClassVar[str] = "base"
    # A package of ``<role>.txt`` files that override the built-in prompts for this domain (for a
    # domain installed from another package; the built-in ones keep theirs under ``prompts/<name>/``).
    prompt_package: ClassVar[str | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for attr, value in vars(cls).items():
            if attr.startswith("_") or attr in HOOKS or not callable(value):
                continue
            if near := get_close_matches(attr, HOOKS, n=1, cutoff=0.85):
                raise TypeError(f"{cls.__name__}.{attr} looks like a misspelt domain hook: did you mean {near[0]!r}?")

    @abstractmethod
    def load_tasks(self, source: str | None = None) -> list[Task]:
        """Tasks from ``source`` (a file path, or the domain's built-in set when ``None``)."""

    @abstractmethod
    def act(self, step: Step, memory: ActorMemory) -> Attempt:
        """One trial of the actor. Unusable model output is a failed attempt, never an exception."""

    @abstractmethod
    def evaluate(self, step: Step, attempt: Attempt) -> Evaluation:
        """Score the attempt. This is the *internal* verdict the loop acts on."""

    async def aact(self, step: Step, memory: ActorMemory) -> Attempt:
        """:meth:`act` on the event loop (default: ``act`` in a worker thread, so blocking model
        calls and tools stay off the loop)."""
        return await asyncio.to_thread(self.act, step, memory)

    async def aevaluate(self, step: Step, attempt: Attempt) -> Evaluation:
        """:meth:`evaluate` on the event loop (default: ``evaluate`` in a worker thread, where
        sandbox runs and other blocking work happen)."""
        return await asyncio.to_thread(self.evaluate, step, attempt)

    def render_trial(self, record: TrialRecord) -> str:
        """The trial as text, for the self-reflection prompt and the ``last_attempt`` strategies
        (default: its steps, one ``Key: value`` line each, and the final answer)."""
        steps = "\n".join(_render_step(step) for step in record["trajectory"])
        parts = [f"Trial {record['trial']}:"]
        if steps:
            parts.append(steps)
        parts.append(f"Final answer: {record['candidate']}")
        return "\n".join(parts)

    def score(self, task: Task, candidate: str) -> dict[str, Any] | None:
        """Optional final scoring outside the loop (e.g. hidden tests); ``None`` when not applicable."""
        return None

    def same_candidate(self, a: str, b: str) -> bool:
        """Whether two candidates are the same attempt (the loop then knows it is going round in
        circles). Default: equal after whitespace and case."""
        return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()

    def settings(self) -> dict[str, Any]:
        """The domain's resolved settings as plain data (constructor > environment > defaults): what
        ``get_domain(name, **settings)`` takes. A run stores them when it starts and keeps them on resume."""
        return {}

    def actor_graph(self) -> CompiledStateGraph | None:
        """Optional: the actor as a subgraph (e.g. one graph step per ReAct step), which
        ``build_graph(domain=...)`` puts in the actor's place; ``None``: the plain actor node calls ``act``."""
        return None


HOOKS = frozenset(name for name, value in vars(Domain).items() if callable(value) and not name.startswith("_"))
"""The methods the loop, the CLI and the bench call on a domain."""


def _render_step(step: dict[str, Any]) -> str:
    return "\n".join(f"{key.capitalize()}: {value}" for key, value in step.items())
