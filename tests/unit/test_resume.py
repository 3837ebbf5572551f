"""Persistence: resume after a node raised, after the process was killed, with more trials, and
time travel (history and fork)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

from reflexion.checkpoint import open_checkpointer
from reflexion.context import Context
from reflexion.domains import get_domain
from reflexion.errors import ModelError
from reflexion.graphs import build_graph
from reflexion.history import checkpoints, trials
from reflexion.runner import load_thread, plan_resume, stream, thread_config
from reflexion.state import new_run
from reflexion.testing.fakes import ScriptedChatModel

QA = get_domain("qa")
TASK = next(t for t in QA.load_tasks() if t["id"] == "sum-primes")  # answer: 28
CFG = thread_config("t")


def context(*replies):
    return Context.with_model(ScriptedChatModel(replies=list(replies)), QA)


def test_resume_after_a_model_error_continues_at_that_node_with_reflections_intact(checkpointer):
    graph = build_graph(checkpointer)
    boom = ConnectionError("endpoint went away")
    with pytest.raises(ModelError, match="actor model .* failed: ConnectionError"):
        stream(graph, new_run(TASK), CFG, context("Answer: 27", "two is prime", boom))
    snapshot = graph.get_state(CFG)
    assert snapshot.next == ("actor",)
    assert snapshot.values["reflections"] == ["two is prime"]
    assert snapshot.values["trial"] == 2

    resumed = ScriptedChatModel(replies=["Answer: 28"])
    values = stream(graph, None, CFG, Context.with_model(resumed, QA))
    assert values["outcome"] == "solved"
    assert values["reflections"] == ["two is prime"]
    assert "two is prime" in resumed.prompts[0]  # the resumed actor still reads the old lesson
    assert [t["trial"] for t in values["trials"]] == [1, 2]


def test_a_finished_failed_run_continues_with_more_trials(checkpointer):
    graph = build_graph(checkpointer)
    values = stream(graph, new_run(TASK, max_trials=2), CFG, context("Answer: 1", "r1", "Answer: 2"))
    assert values["outcome"] == "failed" and values["trial"] == 2

    plan = plan_resume(graph, "t", more_trials=2)
    assert plan is not None
    values = stream(graph, None, plan.config, context("r2", "Answer: 28"))
    assert values["outcome"] == "solved"
    assert values["trial"] == 3 and values["max_trials"] == 4
    assert values["reflections"] == ["r1", "r2"]


def test_nothing_to_resume_on_a_solved_run(checkpointer):
    graph = build_graph(checkpointer)
    stream(graph, new_run(TASK), CFG, context("Answer: 28"))
    assert plan_resume(graph, "t", more_trials=3) is None


def test_more_trials_for_a_single_attempt_run_is_refused(checkpointer):
    graph = build_graph(checkpointer)
    stream(graph, new_run(TASK, strategy="none"), CFG, context("Answer: 1"))
    with pytest.raises(Exception, match="strategy 'none'"):
        plan_resume(graph, "t", more_trials=1)


def test_raising_the_budget_mid_run_applies_at_the_next_decision(checkpointer):
    graph = build_graph(checkpointer)
    with pytest.raises(ModelError):
        stream(graph, new_run(TASK, max_trials=2), CFG, context("Answer: 1", "r1", RuntimeError("down")))
    plan = plan_resume(graph, "t", max_trials=3)
    values = stream(graph, None, plan.config, context("Answer: 2", "r2", "Answer: 28"))
    assert values["outcome"] == "solved" and values["trial"] == 3


def test_history_lists_checkpoints_and_trials_with_their_reflections(checkpointer):
    graph = build_graph(checkpointer)
    stream(graph, new_run(TASK), CFG, context("Answer: 27", "two is prime", "Answer: 28"))
    rows = checkpoints(graph, "t")
    assert rows[0].next == "" and rows[0].score == 1.0  # newest first: the end
    assert {"actor", "evaluator", "decide", "reflect"} <= {r.next for r in rows}
    assert all(r.created_at for r in rows)
    views = trials(graph.get_state(CFG).values)
    assert [(v.trial, v.success, v.reflection) for v in views] == [(1, False, "two is prime"), (2, True, None)]


def test_fork_replays_from_an_older_checkpoint(checkpointer):
    graph = build_graph(checkpointer)
    stream(graph, new_run(TASK), CFG, context("Answer: 27", "two is prime", "Answer: 28"))
    # The checkpoint just before trial 2's actor ran, after the reflection was written.
    before_trial_2 = next(r for r in checkpoints(graph, "t") if r.next == "actor" and r.trial == 2)
    plan = plan_resume(graph, "t", checkpoint_id=before_trial_2.checkpoint_id)
    values = stream(graph, None, plan.config, context("Answer: 99", "another lesson", "Answer: 28"))
    assert [t["candidate"] for t in values["trials"]] == ["27", "99", "28"]  # the new branch
    assert values["reflections"] == ["two is prime", "another lesson"]
    # The original branch is still there in the history.
    original = load_thread(graph, "t", before_trial_2.checkpoint_id)
    assert original.values["reflections"] == ["two is prime"]


def test_unknown_thread_and_checkpoint_are_clear_errors(checkpointer):
    graph = build_graph(checkpointer)
    with pytest.raises(Exception, match="no thread 'nope'"):
        plan_resume(graph, "nope")
    stream(graph, new_run(TASK), CFG, context("Answer: 28"))
    with pytest.raises(Exception, match="no checkpoint 'bad'"):
        plan_resume(graph, "t", checkpoint_id="bad")


# A run in another process that writes a reflection, then hangs inside the next actor call.
CHILD = textwrap.dedent(
    """
    import sys, time
    from reflexion.checkpoint import open_checkpointer
    from reflexion.context import Context
    from reflexion.domains import get_domain
    from reflexion.graphs import build_graph
    from reflexion.runner import stream, thread_config
    from reflexion.state import new_run
    from reflexion.testing.fakes import ScriptedChatModel

    qa = get_domain("qa")
    task = next(t for t in qa.load_tasks() if t["id"] == "sum-primes")
    def respond(prompt):
        if "Lessons you wrote" in prompt:
            return "remember that two is prime"
        if "remember that two is prime" in prompt:
            time.sleep(600)  # trial 2's actor: stuck mid model call until killed
        return "Answer: 27"
    with open_checkpointer(sys.argv[1]) as saver:
        stream(build_graph(saver), new_run(task), thread_config("killed"), Context.with_model(ScriptedChatModel(respond=respond), qa))
    """
)


def test_resume_in_a_new_process_after_kill_9_keeps_the_reflection(tmp_path):
    db = tmp_path / "runs.sqlite"
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(db)])
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if db.exists() and _reflections_on_disk(db):
                break
            assert child.poll() is None, "the child run ended early"
            time.sleep(0.2)
        else:
            pytest.fail("the child never wrote its reflection")
        time.sleep(0.5)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait()

    with open_checkpointer(db) as saver:
        graph = build_graph(saver)
        snapshot = graph.get_state(thread_config("killed"))
        assert snapshot.values["reflections"] == ["remember that two is prime"]
        assert snapshot.next == ("actor",)  # only the step in flight was lost
        resumed = ScriptedChatModel(replies=["Answer: 28"])
        values = stream(graph, None, thread_config("killed"), Context.with_model(resumed, QA))
    assert values["outcome"] == "solved"
    assert "remember that two is prime" in resumed.prompts[0]


def _reflections_on_disk(db) -> bool:
    with open_checkpointer(db) as saver:
        values = build_graph(saver).get_state(thread_config("killed")).values
    return bool(values.get("reflections"))


def test_sqlite_file_is_usable_while_another_connection_reads(tmp_path):
    db = tmp_path / "runs.sqlite"
    with open_checkpointer(db) as saver:
        stream(build_graph(saver), new_run(TASK), CFG, context("Answer: 28"))
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from checkpoints").fetchone()[0] > 0


def test_a_run_killed_before_its_first_step_resumes_from_its_saved_input(tmp_path):
    from drivers.killer import rewind_to_input

    db = tmp_path / "runs.sqlite"
    with open_checkpointer(db) as saver:
        stream(build_graph(saver), new_run(TASK, max_trials=4), CFG, context("Answer: 28"))
    rewind_to_input(db, "t")  # what a kill between the input's commit and the first step leaves
    with open_checkpointer(db) as saver:
        graph = build_graph(saver)
        snapshot = load_thread(graph, "t")
        assert snapshot.next == ("__start__",) and snapshot.values["task"]["id"] == "sum-primes"
        assert snapshot.values["max_trials"] == 4
        plan = plan_resume(graph, "t")
        assert "stopped before its first step" in plan.note
        values = stream(graph, None, plan.config, context("Answer: 28"))
    assert values["outcome"] == "solved" and values["max_trials"] == 4
