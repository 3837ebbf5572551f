"""Actor node: one attempt at the task, reading the lessons the strategy allows it to see."""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Generator, Mapping
from dataclasses import replace
from functools import partial
from typing import Any

from langgraph.runtime import Runtime

from reflexion.context import Context
from reflexion.domains.base import ActorMemory, Attempt, Domain, Step
from reflexion.llm import RoleModel
from reflexion.nodes.dual import adrive, drive
from reflexion.selection import repeated_trial
from reflexion.state import ReflexionState


def actor_memory(state: Mapping[str, Any]) -> ActorMemory:
    """The strategy decides what carries over: the last k reflections, the last attempt, both, or nothing.
    ``state`` is the run's state, or a subgraph's that carries its keys (strategy, reflections, trials)."""
    strategy = state["strategy"]
    reflections = state.get("reflections", [])
    trials = state.get("trials", [])
    return ActorMemory(
        reflections=reflections[-state["memory_window"]:] if "reflexion" in strategy else [],
        last_trial=trials[-1] if strategy.startswith("last_attempt") and trials else None,
        repeated=trials[-1].get("repeats") if trials else None,
    )


def sampling(state: Mapping[str, Any], *, redraw: bool = False) -> dict[str, Any]:
    """Per-call model options. Greedy by default; a retry that follows a repeated attempt, or that
    redraws one (``redraw``), samples at ``retry_temperature``, seeded by the task and trial so a
    rerun or a resume draws the same."""
    trials = state.get("trials", [])
    temperature = state.get("retry_temperature", 0.0)
    if temperature <= 0 or not (redraw or (trials and trials[-1].get("repeats") is not None)):
        return {}
    salt = ":redraw" if redraw else ""
    return {"temperature": temperature, "seed": zlib.crc32(f"{state['task']['id']}:{state['trial']}{salt}".encode())}


def actor(state: ReflexionState, runtime: Runtime[Context]) -> dict[str, Any]:
    domain, step = _start(state, runtime)
    return drive(_attempts(state, domain, step), partial(domain.act, step))


async def aactor(state: ReflexionState, runtime: Runtime[Context]) -> dict[str, Any]:
    """:func:`actor` on the event loop (``ainvoke``/``astream``): the domain's ``aact``. The context's
    objects are made in a worker thread (the first call may start the embedded server or a sandbox)."""
    domain, step = await asyncio.to_thread(_start, state, runtime)
    return await adrive(_attempts(state, domain, step), partial(domain.aact, step))


def _start(state: ReflexionState, runtime: Runtime[Context]) -> tuple[Domain, Step]:
    domain = runtime.context.resolved_domain(state.get("domain_settings"))
    llm = RoleModel("actor", runtime.context.model("actor"), options=sampling(state))
    return domain, Step(task=state["task"], llm=llm, domain_data=state.get("domain_data", {}), emit=runtime.stream_writer)


def _attempts(state: ReflexionState, domain: Domain, step: Step) -> Generator[ActorMemory, Attempt, dict[str, Any]]:
    """The node's logic: yields the memory for each attempt it asks the domain for (see ``nodes/dual.py``)."""
    memory = actor_memory(state)
    attempt = yield memory
    trials = state.get("trials", [])
    copied = repeated_trial([*trials, {"trial": state["trial"], "candidate": attempt.candidate}], domain.same_candidate)
    if copied is not None and state.get("retry_temperature", 0.0) > 0:
        # A small model shown its last attempt mostly copies it: such a draw cannot pass where that
        # attempt failed. Ask again at once, told so and without the code (the domain decides what
        # "without" means), sampled; the trial is the second draw.
        step.emit({"message": f"the attempt repeats trial {copied}; drawing a new one"})
        step.llm.options = sampling(state, redraw=True)
        second = yield replace(memory, repeated=copied)
        first_steps = [{**entry, "redrawn": f"repeated trial {copied}"} for entry in attempt.trajectory]
        attempt = replace(second, trajectory=[*first_steps, *second.trajectory], domain_data={**attempt.domain_data, **second.domain_data})
    return {
        "candidate": attempt.candidate,
        "trajectory": attempt.trajectory,
        "domain_data": attempt.domain_data,
        "usage": step.llm.usage_update(),
    }
