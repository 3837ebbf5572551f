"""Evaluator node: the domain scores the trial; the trial goes into the run's log."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from reflexion.context import Context
from reflexion.domains.base import Attempt, Step
from reflexion.llm import RoleModel
from reflexion.selection import repeated_trial
from reflexion.state import ReflexionState, TrialRecord


def evaluator(state: ReflexionState, runtime: Runtime[Context]) -> dict[str, Any]:
    llm = RoleModel("evaluator", runtime.context.model("evaluator"))
    step = Step(task=state["task"], llm=llm, domain_data=state.get("domain_data", {}), emit=runtime.stream_writer)
    attempt = Attempt(candidate=state.get("candidate", ""), trajectory=state.get("trajectory", []))
    evaluation = runtime.context.resolved_domain(state.get("domain_settings")).evaluate(step, attempt)
    record: TrialRecord = {
        "trial": state["trial"],
        "candidate": attempt.candidate,
        "feedback": evaluation.feedback,
        "trajectory": attempt.trajectory,
    }
    if not evaluation.feedback["success"]:
        record["repeats"] = repeated_trial([*state.get("trials", []), record], runtime.context.resolved_domain(state.get("domain_settings")).same_candidate)
    return {
        "feedback": evaluation.feedback,
        "trials": [record],
        "domain_data": evaluation.domain_data,
        "usage": llm.usage_update(),
    }
