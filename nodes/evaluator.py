"""Evaluator node: the domain scores the trial; the trial goes into the run's log."""

from __future__ import annotations

import asyncio
from collections.abc import Generator
from functools import partial
from typing import Any

from langgraph.runtime import Runtime

from reflexion.context import Context
from reflexion.domains.base import Attempt, Domain, Evaluation, Step
from reflexion.llm import RoleModel
from reflexion.nodes.dual import adrive, drive
from reflexion.selection import repeated_trial
from reflexion.state import ReflexionState, TrialRecord


def evaluator(state: ReflexionState, runtime: Runtime[Context]) -> dict[str, Any]:
    domain, step = _start(state, runtime)
    return drive(_verdict(state, domain, step), partial(domain.evaluate, step))


async def aevaluator(state: ReflexionState, runtime: Runtime[Context]) -> dict[str, Any]:
    """:func:`evaluator` on the event loop: the domain's ``aevaluate`` (the context's objects made in a worker thread)."""
    domain, step = await asyncio.to_thread(_start, state, runtime)
    return await adrive(_verdict(state, domain, step), partial(domain.aevaluate, step))


def _start(state: ReflexionState, runtime: Runtime[Context]) -> tuple[Domain, Step]:
    llm = RoleModel("evaluator", runtime.context.model("evaluator"))
    step = Step(task=state["task"], llm=llm, domain_data=state.get("domain_data", {}), emit=runtime.stream_writer)
    return runtime.context.resolved_domain(state.get("domain_settings")), step


def _verdict(state: ReflexionState, domain: Domain, step: Step) -> Generator[Attempt, Evaluation, dict[str, Any]]:
    """The node's logic: yields the attempt to be scored (see ``nodes/dual.py``)."""
    attempt = Attempt(candidate=state.get("candidate", ""), trajectory=state.get("trajectory", []))
    evaluation = yield attempt
    record: TrialRecord = {
        "trial": state["trial"],
        "candidate": attempt.candidate,
        "feedback": evaluation.feedback,
        "trajectory": attempt.trajectory,
    }
    if not evaluation.feedback["success"]:
        record["repeats"] = repeated_trial([*state.get("trials", []), record], domain.same_candidate)
    return {
        "feedback": evaluation.feedback,
        "trials": [record],
        "domain_data": evaluation.domain_data,
        "usage": step.llm.usage_update(),
    }
