"""Tracing is off unless its standard variables switch it on, and then a run makes no outside
connection at all. A child process records (and refuses) every connection and name lookup that is
not loopback; the run talks only to the local stub. The same probe with tracing switched on sees
LangSmith being called, which shows it would catch one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from drivers.faults import ACTOR, REFLECTOR, TASK, qa_script
from reflexion.testing.openai_stub import OpenAIStub

PROBE = """
    import json, socket, sys, time
    outside = []
    LOOPBACK = ("127.", "::1", "localhost")

    def local(host):
        return str(host).startswith(LOOPBACK)

    real_connect, real_connect_ex, real_getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo

    def connect(self, address):
        if isinstance(address, tuple) and not local(address[0]):
            outside.append(f"connect {address[0]}:{address[1]}")
            raise OSError("outside connections are refused in this test")
        return real_connect(self, address)

    def connect_ex(self, address):
        if isinstance(address, tuple) and not local(address[0]):
            outside.append(f"connect {address[0]}:{address[1]}")
            return 111
        return real_connect_ex(self, address)

    def getaddrinfo(host, *args, **kwargs):
        if host and not local(host):
            outside.append(f"lookup {host}")
            raise socket.gaierror("name lookups are refused in this test")
        return real_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = connect, connect_ex, getaddrinfo

    from reflexion.domains.qa import QADomain
    from reflexion.graphs import build_graph
    from reflexion.state import new_run
    task, actor, reflector = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
    context = {"actor": {"model": actor}, "evaluator": {"model": actor}, "reflector": {"model": reflector}, "domain": "qa"}
    final = build_graph().invoke(new_run(task, max_trials=3), context=context)
    time.sleep(1.5)  # a tracer sends in the background: give it the time to try
    print(json.dumps({"outcome": final["outcome"], "outside": outside}))
"""


def run_probe(stub: OpenAIStub, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "REFLEXION_", "LANGSMITH_", "LANGCHAIN_"))}
    env.update(REFLEXION_BASE_URL=stub.base_url, REFLEXION_API_KEY="sk-test", **extra)
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(PROBE), json.dumps(TASK), ACTOR, REFLECTOR],
                            env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def stub():
    with OpenAIStub(qa_script()) as server:
        yield server


def test_with_tracing_unset_a_run_makes_no_outside_connection(stub: OpenAIStub) -> None:
    report = run_probe(stub)
    assert report == {"outcome": "solved", "outside": []}


def test_the_probe_sees_langsmith_when_tracing_is_switched_on(stub: OpenAIStub) -> None:
    report = run_probe(stub, LANGSMITH_TRACING="true", LANGSMITH_API_KEY="lsv2-test", LANGSMITH_ENDPOINT="http://traces.example.invalid")
    assert report["outcome"] == "solved"
    assert any("traces.example.invalid" in attempt for attempt in report["outside"]), report
