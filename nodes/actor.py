"""Actor node: one attempt at the task, reading the lessons the strategy allows it to see."""

from __future__ import annotations

import zlib
from typing import Any

from langgraph.runtime import Runtime

from reflexion.context import Context
from reflexion.domains.base import ActorMemory, Step
from reflexion.llm import RoleModel
from reflexion.state import ReflexionState


def actor_memory(state: ReflexionState) -> ActorMemory:
    """The strategy decides what carries over: the last k reflections, the last attempt, both, or nothing."""
    strategy = state["strategy"]
    reflections = state.get("reflections", [])
    trials = state.get("trials", [])
    return ActorMemory(
        reflections=reflections[-state["memory_window"]:] if "reflexion" in strategy else [],
        last_trial=trials[-1] if strategy.startswith("last_attempt") and trials else None,
        repeated=trials[-1].get("repeats") if trials else None,
    )


def sampling(state: ReflexionState) -> dict[str, Any]:
    """Per-call model options for this trial. Greedy by default; after an attempt that repeated an
    earlier one, the same prompt would give the same answer again, so this retry samples (seeded by
    the task and trial, so a rerun or a resume draws the same)."""
    trials = state.get("trials", [])
    temperature = state.get("retry_temperature", 0.0)
    if not trials or trials[-1].get("repeats") is None or temperature <= 0:
        return {}
    return {"temperature": temperature, "seed": zlib.crc32(f"{state['task']['id']}:{state['trial']}".encode())}


def actor(state: ReflexionState, runtime: Runtime[Context]) -> dict[str, Any]:
    llm = RoleModel("actor", runtime.context.model("actor"), options=sampling(state))
    step = Step(task=state["task"], llm=llm, domain_data=state.get("domain_data", {}), emit=runtime.stream_writer)
    attempt = runtime.context.resolved_domain().act(step, actor_memory(state))
    return {
        "candidate": attempt.candidate,
        "trajectory": attempt.trajectory,
        "domain_data": attempt.domain_data,
        "usage": llm.usage_update(),
    }
