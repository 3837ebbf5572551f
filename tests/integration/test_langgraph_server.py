"""The graph under LangGraph's own server: a real ``langgraph dev`` (``langgraph-cli[inmem]``) on
loopback, no browser, no tunnel, driven through ``langgraph_sdk``; the models are the OpenAI stub.
Threads, streamed updates, the reflections in the thread state, its history, and a run that failed
on a model error resumed from its checkpoint."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.faults import ACTOR, LESSON, REFLECTOR, TASK, qa_script
from reflexion.state import new_run
from reflexion.testing.openai_stub import Fault, OpenAIStub, Rule, unused_port

pytestmark = pytest.mark.slow
sdk = pytest.importorskip("langgraph_sdk", reason="needs the [server] extra: pip install -e '.[server]'")
ROOT = Path(__file__).resolve().parents[2]
CONTEXT = {"actor": {"model": ACTOR}, "evaluator": {"model": ACTOR}, "reflector": {"model": REFLECTOR}, "domain": "qa"}


CODE = """```python
def has_close_elements(numbers, threshold):
    return any(abs(a - b) < threshold for i, a in enumerate(numbers) for b in numbers[i + 1:])
```"""
TESTS = "assert has_close_elements([1.0, 2.0, 3.0], 0.5) == False\nassert has_close_elements([1.0, 2.8, 3.0], 0.3) == True"


@pytest.fixture
def stub() -> Iterator[OpenAIStub]:
    script = qa_script()
    # The programming domain's test writer and actor (both the actor model here), for HumanEval/0.
    script.rules[:0] = [Rule(TESTS, model=ACTOR, when="Do not implement it"), Rule(CODE, model=ACTOR, when="has_close_elements")]
    with OpenAIStub(script) as server:
        yield server


@pytest.fixture
def server(stub: OpenAIStub, tmp_path: Path) -> Iterator[str]:
    """``langgraph dev`` serving this project's langgraph.json, its working files in tmp_path."""
    port = unused_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "REFLEXION_", "LANGSMITH_", "LANGCHAIN_"))}
    env.update(REFLEXION_BASE_URL=stub.base_url, REFLEXION_API_KEY="sk-test", LANGSMITH_TRACING="false", NO_COLOR="1")
    command = [str(Path(sys.executable).with_name("langgraph")), "dev", "--config", str(ROOT / "langgraph.json"),
               "--port", str(port), "--host", "127.0.0.1", "--no-browser", "--no-reload"]  # fmt: skip
    with open(tmp_path / "server.log", "wb") as log:
        process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert process.poll() is None, (tmp_path / "server.log").read_text()[-3000:]
            try:
                with urllib.request.urlopen(f"{url}/ok", timeout=2):
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("langgraph dev did not answer within 120 s")
        yield url
    finally:
        if process.poll() is None:
            os.killpg(process.pid, 15)
        process.wait(timeout=30)


def test_a_thread_runs_streams_and_keeps_its_reflections_and_history(server: str, stub: OpenAIStub) -> None:
    client = sdk.get_sync_client(url=server)
    assistants = {a["graph_id"] for a in client.assistants.search()}
    assert {"reflexion", "reflexion-hotpotqa-react"} <= assistants
    schema = client.assistants.get_schemas(client.assistants.search(graph_id="reflexion")[0]["assistant_id"])
    assert {"actor", "reflector", "domain", "domain_settings"} <= set(schema["context_schema"]["properties"])

    thread = client.threads.create()
    chunks = list(client.runs.stream(thread["thread_id"], "reflexion", input=new_run(TASK, max_trials=3), context=CONTEXT,
                                     stream_mode="updates"))  # fmt: skip
    nodes = [next(iter(chunk.data)) for chunk in chunks if chunk.event == "updates"]
    assert nodes == ["actor", "evaluator", "decide", "reflect", "actor", "evaluator", "decide"]

    state = client.threads.get_state(thread["thread_id"])
    values = state["values"]
    assert values["outcome"] == "solved" and values["trial"] == 2
    assert len(values["reflections"]) == 1 and LESSON in values["reflections"][0]
    history = client.threads.get_history(thread["thread_id"], limit=50)
    assert len(history) >= 8 and history[-1]["next"] == ["__start__"]
    assert [r.model for r in stub.requests] == [ACTOR, REFLECTOR, ACTOR]


def test_a_run_stopped_by_a_model_error_resumes_from_its_checkpoint(server: str, stub: OpenAIStub) -> None:
    client = sdk.get_sync_client(url=server)
    stub.script.faults.append(Fault("http", status=401, model=REFLECTOR))  # permanent: the run stops at reflect
    thread = client.threads.create()
    failed = client.runs.create(thread["thread_id"], "reflexion", input=new_run(TASK, max_trials=3), context=CONTEXT)
    client.runs.join(thread["thread_id"], failed["run_id"])
    assert client.runs.get(thread["thread_id"], failed["run_id"])["status"] == "error"
    assert client.threads.get_state(thread["thread_id"])["next"] == ["reflect"]
    actor_calls = sum(r.model == ACTOR for r in stub.requests)

    stub.script.faults.clear()
    final = client.runs.wait(thread["thread_id"], "reflexion", input=None, context=CONTEXT)
    assert final["outcome"] == "solved" and final["trial"] == 2
    assert sum(r.model == ACTOR for r in stub.requests) == actor_calls + 1, "trial 1 was not attempted again"


def test_a_person_writes_the_reflection_over_the_server(server: str, stub: OpenAIStub) -> None:
    client = sdk.get_sync_client(url=server)
    thread = client.threads.create()
    mine = f"{LESSON} (a person's words)"
    client.runs.wait(thread["thread_id"], "reflexion", input=new_run(TASK, max_trials=3, review_reflections=True), context=CONTEXT)
    state = client.threads.get_state(thread["thread_id"])
    assert state["next"] == ["review"]
    [pending] = state["tasks"][0]["interrupts"]
    assert pending["value"]["kind"] == "review_reflection" and pending["value"]["draft_reflection"]
    final = client.runs.wait(thread["thread_id"], "reflexion", command={"resume": {"reflection": mine}}, context=CONTEXT)
    assert final["outcome"] == "solved" and final["reflections"] == [mine] and final["reflection_authors"] == ["human"]


def test_a_programming_task_runs_its_sandboxed_tests_under_the_server(server: str, stub: OpenAIStub) -> None:
    # The server runs the nodes' async bodies on its event loop (with langgraph dev's check for
    # blocking calls there): the self-tests and the sandbox runs happen in a worker thread.
    from reflexion.domains import get_domain

    task = get_domain("programming").load_tasks("humaneval")[0]
    client = sdk.get_sync_client(url=server)
    thread = client.threads.create()
    final = client.runs.wait(thread["thread_id"], "reflexion", input=new_run(task, max_trials=2), context={**CONTEXT, "domain": "programming"})
    assert final.get("outcome") == "solved", final
    assert final["trials"][0]["feedback"]["success"] and "has_close_elements([1.0, 2.8, 3.0], 0.3)" in final["trials"][0]["feedback"]["text"]
