"""The local OpenAI stub itself, through the real ``ChatOpenAI`` client: replies, usage, recording,
its separate-process form, and the faults it injects beyond those in ``test_model_faults.py``."""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path

import pytest

from drivers.faults import ACTOR, REFLECTION, REFLECTOR, TASK, WRONG, qa_script
from reflexion.errors import ModelError
from reflexion.llm import RoleModel
from reflexion.testing.openai_stub import Fault, OpenAIStub, OpenAIStubProcess, Rule, Script

QUESTION = TASK["prompt"]


def test_reply_usage_and_finish_reason_come_through_the_client(stub: OpenAIStub) -> None:
    reply = stub.chat_model(ACTOR).invoke([("system", "Be brief."), ("user", QUESTION)])
    assert reply.content == WRONG
    assert reply.response_metadata["finish_reason"] == "stop"
    prompt_tokens = len("Be brief.".split()) + len(QUESTION.split())
    assert reply.usage_metadata["input_tokens"] == prompt_tokens
    assert reply.usage_metadata["output_tokens"] == len(WRONG.split())
    (request,) = stub.requests
    assert (request.model, request.prompt, request.status) == (ACTOR, QUESTION, 200)
    assert [m["role"] for m in request.messages] == ["system", "user"]


def test_max_tokens_cuts_the_reply_with_finish_reason_length(stub: OpenAIStub) -> None:
    reply = stub.chat_model(REFLECTOR, max_tokens=3).invoke("Why did it fail?")
    assert reply.content == " ".join(REFLECTION.split()[:3])
    assert reply.response_metadata["finish_reason"] == "length"
    assert reply.usage_metadata["output_tokens"] == 3


def test_streaming_clients_get_the_same_reply_and_usage(stub: OpenAIStub) -> None:
    reply = stub.chat_model(ACTOR, streaming=True, stream_usage=True).invoke(QUESTION)
    assert reply.content == WRONG and reply.usage_metadata["output_tokens"] == len(WRONG.split())
    assert stub.requests[0].stream


def test_a_request_no_rule_matches_is_a_clear_error(stub: OpenAIStub) -> None:
    with pytest.raises(ModelError, match="no rule matches model 'unknown-model'"):
        RoleModel("actor", stub.chat_model("unknown-model", max_retries=0)).ask("hello")


def test_models_endpoint_lists_the_scripted_models(stub: OpenAIStub) -> None:
    with urllib.request.urlopen(f"{stub.base_url}/models", timeout=5) as response:
        listed = {model["id"] for model in json.load(response)["data"]}
    assert listed == {ACTOR, REFLECTOR}


def test_dropped_connections_are_retried(stub: OpenAIStub) -> None:
    stub.script.faults.append(Fault("disconnect", times=2))
    assert RoleModel("actor", stub.chat_model(ACTOR, max_retries=2)).ask(QUESTION) == WRONG
    assert [r.status for r in stub.requests] == [0, 0, 200]


def test_a_rule_delay_holds_the_reply(stub: OpenAIStub) -> None:
    stub.script.rules.insert(0, Rule("slow answer", model=ACTOR, delay=0.5))
    started = time.monotonic()
    assert stub.chat_model(ACTOR).invoke(QUESTION).content == "slow answer"
    assert time.monotonic() - started >= 0.5


def test_script_round_trips_through_json(tmp_path: Path) -> None:
    script = qa_script(Fault("http", status=429, retry_after=1, times=1, requests=(2, 3)))
    assert Script.load(script.save(tmp_path / "script.json")) == script
    with pytest.raises(ValueError, match="unknown fault kind 'explode'"):
        Script.from_dict({"faults": [{"kind": "explode"}]})


def test_a_separate_process_gives_the_same_replies(stub: OpenAIStub, tmp_path: Path) -> None:
    """Kill/resume tests run the server in its own process; replies must not depend on which one."""
    in_process = [stub.chat_model(model).invoke(QUESTION) for model in (ACTOR, REFLECTOR)]
    log = tmp_path / "requests.jsonl"
    with OpenAIStubProcess(qa_script(), requests_log=log) as server:
        assert server.client_env()["REFLEXION_BASE_URL"] == server.base_url
        llms = [stub.chat_model(model, base_url=server.base_url) for model in (ACTOR, REFLECTOR)]
        other_process = [llm.invoke(QUESTION) for llm in llms]
        process = server.process
    assert process is not None and process.returncode is not None  # stopped on exit
    assert [r.content for r in other_process] == [r.content for r in in_process]
    assert [r.usage_metadata for r in other_process] == [r.usage_metadata for r in in_process]
    recorded = OpenAIStubProcess(qa_script(), requests_log=log).requests()
    assert [(r.model, r.status) for r in recorded] == [(ACTOR, 200), (REFLECTOR, 200)]


@pytest.mark.parametrize("in_process", [True, False])
def test_keep_alive_serves_several_requests_on_one_connection(in_process: bool) -> None:
    import http.client

    script = Script(rules=[Rule("Answer: 4")])
    stub = OpenAIStub(script, keep_alive=True) if in_process else OpenAIStubProcess(script, keep_alive=True)
    with stub:
        conn = http.client.HTTPConnection("127.0.0.1", stub.port, timeout=5)
        body = json.dumps({"model": "m", "messages": [{"role": "user", "content": "2 + 2?"}]})
        for _ in range(3):
            conn.request("POST", "/v1/chat/completions", body, {"Content-Type": "application/json"})
            response = conn.getresponse()
            assert response.status == 200 and response.version == 11 and not response.will_close
            assert json.loads(response.read())["choices"][0]["message"]["content"] == "Answer: 4"
        conn.close()


def test_the_process_form_reads_back_only_the_requests_it_has_finished_writing(tmp_path: Path) -> None:
    """The stub appends to its requests log while a test polls it: a last line caught mid-write
    (no newline yet, perhaps cut inside a multi-byte character) is left for the next read."""
    log = tmp_path / "requests.jsonl"
    done = {"number": 1, "at": 0.0, "model": ACTOR, "prompt": "é", "messages": [], "fault": None, "status": 200, "usage": None}
    torn = json.dumps({**done, "number": 2}, ensure_ascii=False).encode()
    log.write_bytes(json.dumps(done, ensure_ascii=False).encode() + b"\n" + torn[: torn.index("é".encode()) + 1])
    stub = OpenAIStubProcess(qa_script(), requests_log=log)
    assert [r.number for r in stub.requests()] == [1]
    log.write_bytes(log.read_bytes() + torn[torn.index("é".encode()) + 1 :] + b"\n")
    assert [r.number for r in stub.requests()] == [1, 2]
