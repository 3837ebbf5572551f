"""Model faults against the real Reflexion loop, over real HTTP: the fault matrix.

Each case starts an :class:`~reflexion.testing.openai_stub.OpenAIStub` scripted with a short QA run
(trial 1 answers wrong, the reflector writes a lesson, trial 2 answers right), injects one kind of
fault, and runs the compiled graph with real ``ChatOpenAI`` clients. What counts as coping:

- ``retried``: a transient fault (429, 5xx, a hung reply, a dropped connection) is retried by the
  client, and the run ends exactly as a fault-free one does;
- ``ModelError, resumed``: a permanent fault (401, retries used up, nothing listening, a body that
  is not JSON) stops the run with one :class:`~reflexion.errors.ModelError` line naming the role and
  the endpoint; once the fault is gone, ``invoke(None, ...)`` resumes the thread to the fault-free end,
  the reflections written before the fault intact;
- ``failed step``: garbage output (an empty or cut-off reply) becomes a failed trial with feedback
  (or a fallback reflection), never a crash, and the run goes on to solve the task.

In every case the token usage in state is exactly what the stub reported for the replies the
client received. ``run_fault_matrix()`` gives one row per case, for ``bench/reliability.py``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any, Literal

from langchain_openai import ChatOpenAI
from langgraph.checkpoint.memory import InMemorySaver

from reflexion.context import Context
from reflexion.domains.qa import QADomain
from reflexion.errors import ModelError
from reflexion.graphs import build_graph
from reflexion.state import Task, new_run
from reflexion.testing.openai_stub import STUB_MODELS, Fault, OpenAIStub, Request, Rule, Script, unused_port

Expect = Literal["retried", "ModelError, resumed", "failed step"]

TASK: Task = {
    "id": "capital-au",
    "domain": "qa",
    "prompt": "What is the capital city of Australia?",
    "data": {"answer": "Canberra"},
}
LESSON = "[lesson-1]"  # marks the reflection, so the actor's reply can depend on having read it
WRONG = "Sydney is the largest city in Australia.\nAnswer: Sydney"
RIGHT = "The seat of government is Canberra, not the largest city.\nAnswer: Canberra"
REFLECTION = f"{LESSON} I named the largest city. The capital is the seat of government: check that, not the size."
ACTOR, REFLECTOR = STUB_MODELS["actor"], STUB_MODELS["reflector"]
MAX_TRIALS = 3


def qa_script(*faults: Fault) -> Script:
    """The fault-free run: wrong, reflect, right (2 trials, 1 reflection)."""
    rules = [Rule(RIGHT, model=ACTOR, when=LESSON), Rule(WRONG, model=ACTOR), Rule(REFLECTION, model=REFLECTOR)]
    return Script(rules=rules, faults=list(faults))


@dataclass(frozen=True)
class FaultCase:
    kind: str  # the row's label
    expect: Expect
    fault: Fault | None = None  # injected by the stub
    refused_role: str | None = None  # instead: this role's endpoint has nothing listening
    timeout: float = 2.0  # the clients' settings
    max_retries: int = 2
    error_role: str | None = None  # for ``ModelError, resumed``: the role the error must name
    evidence: str | None = None  # for ``failed step``: text the feedback or a reflection must show


FAULT_CASES: tuple[FaultCase, ...] = (
    FaultCase("429 rate limit (Retry-After)", "retried", Fault("http", status=429, retry_after=0.1, model=ACTOR, times=1)),
    FaultCase("500 server error", "retried", Fault("http", status=500, model=REFLECTOR, times=1)),
    FaultCase("503 unavailable, twice", "retried", Fault("http", status=503, retry_after=0.1, model=ACTOR, when=LESSON, times=2)),
    FaultCase("hung reply (client timeout)", "retried", Fault("hang", seconds=10, model=ACTOR, times=1), timeout=1.0),
    FaultCase("dropped connection", "retried", Fault("disconnect", model=REFLECTOR, times=1)),
    FaultCase("401 unauthorized", "ModelError, resumed", Fault("http", status=401, model=ACTOR, when=LESSON), error_role="actor"),
    FaultCase(
        "503 until retries run out",
        "ModelError, resumed",
        Fault("http", status=503, retry_after=0.1, model=REFLECTOR),
        max_retries=1,
        error_role="reflector",
    ),
    FaultCase("connection refused", "ModelError, resumed", refused_role="reflector", max_retries=1, error_role="reflector"),
    FaultCase("malformed JSON body", "ModelError, resumed", Fault("malformed", model=ACTOR, when=LESSON), error_role="actor"),
    FaultCase("empty reply (actor)", "failed step", Fault("empty", model=ACTOR, times=1), evidence="No answer found"),
    FaultCase("empty reply (reflector)", "failed step", Fault("empty", model=REFLECTOR, times=1), evidence="gave no reflection"),
    FaultCase(
        "reply cut off (finish_reason length)",
        "failed step",
        Fault("length", keep_words=4, model=ACTOR, times=1),
        evidence="No answer found",
    ),
)


@dataclass
class FaultRun:
    """What happened when one case ran."""

    case: FaultCase
    error: ModelError | None  # the error that stopped the first invoke, if any
    at_fault: dict[str, Any] | None  # the thread's state when it stopped
    final: dict[str, Any]  # the thread's state at the end (after the resume, if there was one)
    requests: list[Request]
    endpoint: str  # the base URL the failing role used
    seconds: float

    @property
    def injected(self) -> int:
        if self.case.refused_role:
            return 1
        return sum(1 for r in self.requests if r.fault is not None)

    def received_usage(self) -> dict[str, dict[str, int]]:
        """Per role: calls and tokens of the replies the client actually got (not hung, not malformed)."""
        roles = {name: role for role, name in STUB_MODELS.items()}
        usage: dict[str, dict[str, int]] = {}
        for r in self.requests:
            if r.status == 200 and r.usage and r.fault not in ("hang", "malformed"):
                into = usage.setdefault(roles[r.model], {"calls": 0, "input_tokens": 0, "output_tokens": 0})
                into["calls"] += 1
                into["input_tokens"] += r.usage["prompt_tokens"]
                into["output_tokens"] += r.usage["completion_tokens"]
        return usage


def run_case(case: FaultCase, *, thread_id: str = "fault-case") -> FaultRun:
    """Run the QA task through the stub with the case's fault; resume once after a ModelError."""
    script = qa_script(*([replace(case.fault)] if case.fault else []))  # a fresh copy: faults count firings
    with OpenAIStub(script) as stub:
        healthy = {
            role: stub.chat_model(name, timeout=case.timeout, max_retries=case.max_retries) for role, name in STUB_MODELS.items()
        }
        models = dict(healthy)
        endpoint = stub.base_url
        if case.refused_role:
            endpoint = f"http://127.0.0.1:{unused_port()}/v1"
            models[case.refused_role] = ChatOpenAI(
                model=STUB_MODELS[case.refused_role],
                base_url=endpoint,
                api_key="sk-test",
                timeout=case.timeout,
                max_retries=case.max_retries,
            )
        graph = build_graph(InMemorySaver())
        config = {"configurable": {"thread_id": thread_id}}
        started = time.monotonic()
        error, at_fault = None, None
        try:
            graph.invoke(new_run(TASK, max_trials=MAX_TRIALS), config, context=Context.of(domain=QADomain(), **models))
        except ModelError as exc:
            error, at_fault = exc, graph.get_state(config).values
            script.faults.clear()  # the fault is gone (key fixed, server back) ...
            # ... and the thread resumes where it stopped; the context is not checkpointed, so it can change.
            graph.invoke(None, config, context=Context.of(domain=QADomain(), **healthy))
        return FaultRun(
            case, error, at_fault, graph.get_state(config).values, stub.requests, endpoint, time.monotonic() - started
        )


def judge(run: FaultRun) -> tuple[bool, str]:
    """Whether the run coped as its case expects, and what was seen (one line)."""
    case, final = run.case, run.final
    seen = f"outcome {final.get('outcome')} after {len(final.get('trials', []))} trials"
    checks = {
        "fault injected": run.injected > 0,
        "usage = what the server reported": _usage(final) == run.received_usage(),
        "task solved": final.get("outcome") == "solved",
    }
    if case.expect == "retried":
        checks["no ModelError"] = run.error is None
        checks["same end as a fault-free run"] = final.get("reflections") == [REFLECTION] and len(final.get("trials", [])) == 2
    elif case.expect == "ModelError, resumed":
        error = run.error
        checks["ModelError raised"] = error is not None
        if error is not None:
            seen = f"ModelError ({error.reason}); resumed: {seen}"
            checks["error names role and endpoint"] = error.role == case.error_role and run.endpoint in str(error)
            checks["error is one line"] = "\n" not in str(error)
            before = (run.at_fault or {}).get("reflections", [])
            checks["reflections kept"] = final.get("reflections", [])[: len(before)] == before
            checks["same end as a fault-free run"] = final.get("reflections") == [REFLECTION]
    else:
        checks["no ModelError"] = run.error is None
        texts = [t["feedback"]["text"] for t in final.get("trials", [])] + list(final.get("reflections", []))
        checks["failure shown as feedback"] = any(case.evidence and case.evidence in text for text in texts)
        checks["a trial failed"] = any(not t["feedback"]["success"] for t in final.get("trials", []))
    failed = [name for name, ok in checks.items() if not ok]
    return not failed, seen + (f"; FAILED: {', '.join(failed)}" if failed else "")


def run_fault_matrix(cases: tuple[FaultCase, ...] = FAULT_CASES) -> list[dict[str, Any]]:
    """One row per case: kind, expected, injected, survived (injected faults handled as expected),
    handled, observed, seconds. A crash in a case is a row that was not handled, not an exception."""
    rows = []
    for case in cases:
        started = time.monotonic()
        try:
            run = run_case(case)
            handled, observed, injected = (*judge(run), run.injected)
        except Exception as exc:  # noqa: BLE001 - the matrix reports a crash instead of stopping
            handled, observed, injected = False, f"crashed: {type(exc).__name__}: {exc}".splitlines()[0], 0
        rows.append(
            {
                "kind": case.kind,
                "expected": case.expect,
                "injected": injected,
                "survived": injected if handled else 0,
                "handled": handled,
                "observed": observed,
                "seconds": round(time.monotonic() - started, 2),
            }
        )
    return rows


def _usage(state: dict[str, Any]) -> dict[str, dict[str, int]]:
    return {role: dict(u) for role, u in state.get("usage", {}).items() if u.get("calls")}


if __name__ == "__main__":
    for row in run_fault_matrix():
        mark = "ok  " if row["handled"] else "FAIL"
        print(f"{mark} {row['kind']:<38} injected {row['injected']:>2}  {row['expected']:<20} {row['observed']}")
