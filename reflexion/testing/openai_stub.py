"""A small local OpenAI-compatible chat server for tests and benchmarks: scripted replies, injected faults.

Replies are a pure function of the request (the model name asked for and the last user message),
never of a counter, so a run that is killed and resumed gets the same replies as one that ran
through, even from another server process. Faults (HTTP errors, hangs, dropped connections,
malformed, empty or cut-off replies) are injected by rule or by request number. Every request is
recorded, in memory and optionally as JSON lines.

In a test::

    script = Script(rules=[Rule("Answer: 4", model="stub-actor")],
                    faults=[Fault("http", status=429, retry_after=1, times=1)])
    with OpenAIStub(script) as stub:
        llm = stub.chat_model("stub-actor", timeout=2, max_retries=2)  # a real ChatOpenAI
        llm.invoke("What is 2 + 2?")
        assert [r.status for r in stub.requests] == [429, 200]

As a process (the script is the JSON form of :class:`Script`; the first line printed is the URL)::

    python -m reflexion.testing.openai_stub --script script.json [--port 8000] [--requests-log log.jsonl]

Only the standard library is used, so the module imports without any extra installed.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from langchain_openai import ChatOpenAI

FaultKind = Literal["http", "hang", "disconnect", "malformed", "empty", "length"]
FAULT_KINDS: tuple[str, ...] = ("http", "hang", "disconnect", "malformed", "empty", "length")
STUB_MODELS: dict[str, str] = {"actor": "stub-actor", "evaluator": "stub-evaluator", "reflector": "stub-reflector"}
"""Model names that tell the roles apart in a script (each role's client asks for its own)."""


@dataclass(frozen=True)
class Rule:
    """Reply ``reply`` to the requests that match. ``model`` is the model name asked for, ``when`` a
    substring of the last user message (case-sensitive); ``None`` matches anything. First match wins."""

    reply: str
    model: str | None = None
    when: str | None = None
    delay: float = 0.0  # seconds to wait before replying (lets a test kill a client mid model call)

    def matches(self, model: str, prompt: str) -> bool:
        return (self.model is None or self.model == model) and (self.when is None or self.when in prompt)


@dataclass
class Fault:
    """Something going wrong for the matching requests, instead of (or before) the rule's reply.

    Kinds: ``http`` (error ``status``; ``retry_after`` seconds go in a Retry-After header),
    ``hang`` (hold the request ``seconds``, past the client's timeout, then reply), ``disconnect``
    (close the connection without a response), ``malformed`` (status 200, a body that is not JSON),
    ``empty`` (the reply's content is ""), ``length`` (the reply cut after ``keep_words`` words,
    finish_reason "length"). A fault matches like a rule (``model``, ``when``) and by ``requests``
    (request numbers from 1, counted over the server's life; empty: any); it fires at most
    ``times`` times (``None``: every match). The first fault that applies is the one that fires.
    """

    kind: FaultKind
    model: str | None = None
    when: str | None = None
    requests: tuple[int, ...] = ()
    times: int | None = None
    status: int = 500
    retry_after: float | None = None
    seconds: float = 30.0
    keep_words: int = 3
    fired: int = field(default=0, init=False, compare=False)  # how often it fired so far

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; choose one of: {', '.join(FAULT_KINDS)}")
        self.requests = tuple(self.requests)

    @property
    def label(self) -> str:
        return f"http {self.status}" if self.kind == "http" else self.kind

    def applies(self, number: int, model: str, prompt: str) -> bool:
        return (
            (self.times is None or self.fired < self.times)
            and (not self.requests or number in self.requests)
            and (self.model is None or self.model == model)
            and (self.when is None or self.when in prompt)
        )


@dataclass
class Script:
    """What the stub answers (``rules``) and what goes wrong (``faults``). Tests may edit both live."""

    rules: list[Rule] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Script:
        return cls(
            rules=[Rule(**rule) for rule in data.get("rules", [])],
            faults=[Fault(**fault) for fault in data.get("faults", [])],
        )

    def to_dict(self) -> dict[str, Any]:
        faults = [{k: v for k, v in asdict(fault).items() if k != "fired"} for fault in self.faults]
        return {"rules": [asdict(rule) for rule in self.rules], "faults": faults}

    @classmethod
    def load(cls, path: str | Path) -> Script:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    def save(self, path: str | Path) -> Path:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2), encoding="utf-8")
        return Path(path)


@dataclass(frozen=True)
class Request:
    """One chat request as the server saw it, and what it decided to send back."""

    number: int
    at: float  # time.time() on arrival
    model: str
    prompt: str  # the last user message
    messages: list[dict[str, Any]]
    fault: str | None  # the label of the fault that fired ("http 429", "hang", ...), if any
    status: int  # HTTP status sent; 0 when the connection was dropped
    usage: dict[str, int] | None  # the usage sent with a reply
    stream: bool = False


def client_env(base_url: str, **models: str) -> dict[str, str]:
    env = {"REFLEXION_BASE_URL": base_url, "REFLEXION_API_KEY": "sk-test"}
    for role, name in {**STUB_MODELS, **models}.items():
        env[f"REFLEXION_{role.upper()}_MODEL"] = name
    return env


def unused_port(host: str = "127.0.0.1") -> int:
    """A port with nothing listening on it (for "connection refused")."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class OpenAIStub:
    """The server, in a background thread of this process. Use it as a context manager."""

    def __init__(
        self,
        script: Script | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        requests_log: str | Path | None = None,
        keep_alive: bool = False,
    ) -> None:
        """``keep_alive``: speak HTTP/1.1 and keep connections open between requests, as hosted
        endpoints do (for benchmarks); by default each request has a connection of its own, so that
        :meth:`stop` refuses every later request at once."""
        self.script = script if script is not None else Script()
        self.keep_alive = keep_alive
        self.host, self.port = host, port
        self.requests_log = Path(requests_log) if requests_log else None
        self._requests: list[Request] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """What an OpenAI client takes as ``base_url``."""
        return f"{self.url}/v1"

    @property
    def requests(self) -> list[Request]:
        with self._lock:
            return list(self._requests)

    def start(self) -> OpenAIStub:
        self._stopping.clear()
        self._server = _Server((self.host, self.port), _KeepAliveHandler if self.keep_alive else _Handler)
        self._server.stub = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening: new connections are refused. Held (hanging) requests are let go."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def __enter__(self) -> OpenAIStub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def chat_model(self, model: str, **kwargs: Any) -> ChatOpenAI:
        """A real ``ChatOpenAI`` client for ``model`` at this server (needs ``langchain-openai``)."""
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(model=model, **{"base_url": self.base_url, "api_key": "sk-test", **kwargs})

    def client_env(self, **models: str) -> dict[str, str]:
        """Environment variables that point the project's CLI (``reflexion.models``) at this server;
        ``models`` overrides the model name of a role (default: :data:`STUB_MODELS`)."""
        return client_env(self.base_url, **models)

    # -- request handling (called from the server's threads) --

    def _decide(self, body: dict[str, Any]) -> tuple[Request, Rule | None, Fault | None, str, str]:
        model = str(body.get("model", ""))
        found = body.get("messages")
        messages: list[Any] = found if isinstance(found, list) else []
        prompt = _last_user_text(messages)
        with self._lock:
            number = len(self._requests) + 1
            fault = next((f for f in self.script.faults if f.applies(number, model, prompt)), None)
            if fault is not None:
                fault.fired += 1
            rule = next((r for r in self.script.rules if r.matches(model, prompt)), None)

            reply, finish = (rule.reply if rule else ""), "stop"
            if fault is not None and fault.kind == "empty":
                reply = ""
            elif fault is not None and fault.kind == "length":
                reply, finish = _cut(reply, fault.keep_words), "length"
            limit = body.get("max_completion_tokens") or body.get("max_tokens")
            if isinstance(limit, int) and len(reply.split()) > limit:
                reply, finish = _cut(reply, limit), "length"

            if fault is not None and fault.kind == "http":
                status = fault.status
            elif fault is not None and fault.kind == "disconnect":
                status = 0
            else:
                status = 200 if rule is not None else 400
            usage = None
            if status == 200 and (fault is None or fault.kind != "malformed"):
                prompt_tokens: int = sum(len(_text(m.get("content")).split()) for m in messages if isinstance(m, dict))
                completion_tokens = len(reply.split())
                usage = {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": completion_tokens,
                    "total_tokens": prompt_tokens + completion_tokens,
                }
            request = Request(
                number=number,
                at=time.time(),
                model=model,
                prompt=prompt,
                messages=messages,
                fault=fault.label if fault else None,
                status=status,
                usage=usage,
                stream=bool(body.get("stream")),
            )
            self._requests.append(request)
            if self.requests_log is not None:
                with self.requests_log.open("a", encoding="utf-8") as log:
                    log.write(json.dumps(asdict(request)) + "\n")
        return request, rule, fault, reply, finish

    def _answer(self, handler: _Handler, body: dict[str, Any]) -> None:
        request, rule, fault, reply, finish = self._decide(body)
        if rule is not None and rule.delay:
            self._stopping.wait(rule.delay)
        if fault is not None and fault.kind == "http":
            headers = {"Retry-After": _seconds(fault.retry_after)} if fault.retry_after is not None else {}
            return handler.send_json(
                fault.status, _error(f"injected fault: HTTP {fault.status} {_phrase(fault.status)}".strip()), headers
            )
        if fault is not None and fault.kind == "disconnect":
            handler.close_connection = True  # nothing written: the client sees the server hang up
            return None
        if rule is None:
            message = f"openai-stub: no rule matches model {request.model!r} and prompt {request.prompt[:80]!r}"
            return handler.send_json(400, _error(message))
        if fault is not None and fault.kind == "hang":
            self._stopping.wait(fault.seconds)
        if fault is not None and fault.kind == "malformed":
            broken = (
                b'data: {"id": "chatcmpl-stub", "choices": [\n\n' if request.stream else b'{"id": "chatcmpl-stub", "choices": ['
            )
            return handler.send_bytes(200, broken, "text/event-stream" if request.stream else "application/json")
        if request.stream:
            include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
            events = _stream_events(request, reply, finish, include_usage)
            return handler.send_bytes(200, events, "text/event-stream")
        return handler.send_json(200, _completion(request, reply, finish))


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a held (hanging) request never blocks shutdown
    request_queue_size = 1024  # hundreds of clients connecting at once (a wide bench) are queued, not dropped
    stub: OpenAIStub

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (its timeout, or a kill) is expected here; anything else is a stub bug.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read stub.requests instead
        pass

    def do_GET(self) -> None:
        if self.path.rstrip("/") in ("/v1/models", "/models"):
            names = sorted({r.model for r in self.server.stub.script.rules if r.model})
            data = [{"id": name, "object": "model", "created": 0, "owned_by": "openai-stub"} for name in names]
            self.send_json(200, {"object": "list", "data": data})
        else:
            self.send_json(404, _error(f"openai-stub: no route GET {self.path}"))

    def do_POST(self) -> None:
        if self.path.rstrip("/") not in ("/v1/chat/completions", "/chat/completions"):
            return self.send_json(404, _error(f"openai-stub: no route POST {self.path}"))
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        except ValueError as exc:
            return self.send_json(400, _error(f"openai-stub: request body is not JSON: {exc}"))
        if not isinstance(body, dict):
            return self.send_json(400, _error("openai-stub: request body must be a JSON object"))
        return self.server.stub._answer(self, body)

    def send_json(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        self.send_bytes(status, json.dumps(payload).encode(), "application/json", headers)

    def send_bytes(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


class _KeepAliveHandler(_Handler):
    protocol_version = "HTTP/1.1"  # every reply has a Content-Length, so the connection stays open
    disable_nagle_algorithm = True  # headers and body go out in two writes: without this, 40 ms of delayed ACK


def _completion(request: Request, reply: str, finish: str) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-stub-{request.number}",
        "object": "chat.completion",
        "created": int(request.at),
        "model": request.model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": reply}, "finish_reason": finish, "logprobs": None}],
        "usage": request.usage,
    }


def _stream_events(request: Request, reply: str, finish: str, include_usage: bool) -> bytes:
    """The same completion as server-sent events (for clients that stream)."""
    head = {
        "id": f"chatcmpl-stub-{request.number}",
        "object": "chat.completion.chunk",
        "created": int(request.at),
        "model": request.model,
    }
    chunks = [
        {**head, "choices": [{"index": 0, "delta": {"role": "assistant", "content": reply}, "finish_reason": None}]},
        {**head, "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]},
    ]
    if include_usage:
        chunks.append({**head, "choices": [], "usage": request.usage})
    return b"".join(f"data: {json.dumps(chunk)}\n\n".encode() for chunk in chunks) + b"data: [DONE]\n\n"


def _error(message: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": "openai_stub_error", "param": None, "code": None}}


def _text(content: Any) -> str:
    """Message content as text: a string, or a list of text parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)
    return ""


def _last_user_text(messages: list[Any]) -> str:
    users = [m for m in messages if isinstance(m, dict) and m.get("role") == "user"]
    return _text(users[-1].get("content")) if users else ""


def _cut(reply: str, words: int) -> str:
    return " ".join(reply.split()[: max(words, 0)])


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


class OpenAIStubProcess:
    """The stub in a process of its own, for tests that run (and kill) the CLI against it.

    ``script`` is a :class:`Script` or the path of its JSON form. The server's requests can be
    read back with :meth:`requests` when ``requests_log`` is given.
    """

    def __init__(
        self, script: Script | str | Path, *, port: int = 0, requests_log: str | Path | None = None, keep_alive: bool = False
    ) -> None:
        self.script, self.port, self.keep_alive = script, port, keep_alive
        self.requests_log = Path(requests_log) if requests_log else None
        self.url = ""
        self.process: subprocess.Popen[str] | None = None
        self._script_file: Path | None = None

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    def __enter__(self) -> OpenAIStubProcess:
        path = self.script
        if isinstance(path, Script):
            handle, name = tempfile.mkstemp(prefix="openai-stub-", suffix=".json")
            os.close(handle)
            self._script_file = path.save(name)
            path = self._script_file
        command = [sys.executable, "-m", "reflexion.testing.openai_stub", "--script", str(path), "--port", str(self.port)]
        if self.requests_log is not None:
            command += ["--requests-log", str(self.requests_log)]
        if self.keep_alive:
            command.append("--keep-alive")
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        first_line = self.process.stdout.readline() if self.process.stdout else ""
        if not first_line.startswith("openai-stub listening on "):
            self.__exit__()
            raise RuntimeError(f"the OpenAI stub process did not start (it printed {first_line!r})")
        self.url = first_line.split()[-1]
        self.port = int(self.url.rsplit(":", 1)[1])
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            if self.process.stdout:
                self.process.stdout.close()
            self.process = None
        if self._script_file is not None:
            self._script_file.unlink(missing_ok=True)
            self._script_file = None

    def requests(self) -> list[Request]:
        if self.requests_log is None or not self.requests_log.exists():
            return []
        data = self.requests_log.read_bytes()
        # The stub appends while this reads: a last line without its newline is still being written.
        lines = data[: data.rfind(b"\n") + 1].decode("utf-8").splitlines()
        return [Request(**json.loads(line)) for line in lines if line.strip()]

    def client_env(self, **models: str) -> dict[str, str]:
        return client_env(self.base_url, **models)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m reflexion.testing.openai_stub",
        description="Serve scripted OpenAI-compatible chat replies, with injected faults, until stopped.",
    )
    parser.add_argument("--script", required=True, help='JSON file: {"rules": [...], "faults": [...]}')
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 (the default) picks a free port")
    parser.add_argument("--requests-log", help="append every request to this file as a JSON line")
    parser.add_argument("--keep-alive", action="store_true", help="HTTP/1.1: keep connections open between requests")
    args = parser.parse_args(argv)
    try:
        script = Script.load(args.script)
    except (OSError, ValueError, TypeError) as exc:
        parser.error(f"cannot read the script {args.script}: {exc}")

    # SIGTERM ends the process through the ``finally`` below, like Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    stub = OpenAIStub(script, host=args.host, port=args.port, requests_log=args.requests_log, keep_alive=args.keep_alive).start()
    try:
        print(f"openai-stub listening on {stub.url}", flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        stub.stop()


if __name__ == "__main__":
    main()
