"""How fast the embedded model runs, measured in one run (ratios, since these machines are noisy).

  .venv/bin/python bench/local_model_speed.py [--model qwen2.5-coder-0.5b] [--tasks 5] [--quick]

1. The served path against llama-cpp-python in-process, same prompt and settings (1 and 2
   threads): generation tokens/s and the server path's overhead (goal: under 10%).
2. Threads on an idle and on a loaded machine (a busy loop on one core, as when tests or the
   sandbox run beside the model).
3. A Reflexion-shaped sequence of calls (actor, reflector, then the actor again with its last
   attempt and the lesson) with and without the prompt cache and prompt-lookup decoding.
4. Seconds per HumanEval task for a single attempt (test writer + actor + sandboxed tests),
   through the real bench harness, with the defaults.

Nothing here is scored or tuned on: the tasks are only a realistic load.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from reflexion.context import Context
from reflexion.domains.programming import ProgrammingDomain
from reflexion.local import LocalServer, find_gguf
from reflexion.local.server import default_threads
from reflexion.models import ModelSettings, chat_model
from reflexion.prompts import render_prompt


def actor_messages(task: dict, memory: str = "") -> list[BaseMessage]:
    prompt = render_prompt("actor", "programming", task=task["prompt"].strip("\n"), memory=memory).lstrip("\n")
    return [SystemMessage(render_prompt("actor_system", "programming")), HumanMessage(prompt)]


def as_dicts(messages: list[BaseMessage]) -> list[dict[str, str]]:
    return [{"role": "system" if isinstance(m, SystemMessage) else "user", "content": str(m.content)} for m in messages]


@contextmanager
def served(gguf: Path, **settings: int) -> Iterator[tuple[LocalServer, object]]:
    with LocalServer(gguf, **settings) as server:
        model = chat_model(ModelSettings(model=server.model, base_url=server.base_url, api_key="local", max_tokens=MAX_TOKENS, timeout_s=600))
        yield server, model


def timed_call(model: object, messages: list[BaseMessage], **options: object) -> tuple[float, int]:
    started = time.perf_counter()
    reply = model.invoke(messages, **options)  # type: ignore[attr-defined]
    return time.perf_counter() - started, int(reply.usage_metadata["output_tokens"])


def busy_loop() -> None:
    while True:
        pass


@contextmanager
def load(on: bool) -> Iterator[None]:
    """A process spinning on one core for the length of the block (when ``on``)."""
    if not on:
        yield
        return
    spinner = multiprocessing.Process(target=busy_loop, daemon=True)
    spinner.start()
    try:
        yield
    finally:
        spinner.terminate()
        spinner.join()


MAX_TOKENS = 256


def served_vs_in_process(gguf: Path, task: dict, threads: int, repeats: int) -> tuple[float, float, int]:
    """Median seconds for one actor call, served and in-process (alternating), and its output tokens."""
    import llama_cpp

    from reflexion.local.compat import no_extra_buffer_types

    no_extra_buffer_types()  # as the server process does
    messages = actor_messages(task)
    llm = llama_cpp.Llama(model_path=str(gguf), n_ctx=LocalServer(gguf, port=1).n_ctx, n_threads=threads,
                          n_threads_batch=threads, verbose=False)  # fmt: skip
    server_s: list[float] = []
    local_s: list[float] = []
    with served(gguf, n_threads=threads, prompt_cache_mb=0, lookup_tokens=0) as (_, model):
        timed_call(model, messages, temperature=0)  # warm both paths once
        llm.create_chat_completion(messages=as_dicts(messages), max_tokens=MAX_TOKENS, temperature=0)
        for _ in range(repeats):
            llm.reset()  # no prefix reuse in either path: the server's previous prompt differs... and so must ours
            started = time.perf_counter()
            out = llm.create_chat_completion(messages=as_dicts(messages), max_tokens=MAX_TOKENS, temperature=0)
            local_s.append(time.perf_counter() - started)
            tokens = int(out["usage"]["completion_tokens"])
            # A different prompt in between, so the server re-evaluates the whole prompt too.
            timed_call(model, [HumanMessage("Say OK.")], temperature=0, max_tokens=4)
            seconds, served_tokens = timed_call(model, messages, temperature=0)
            server_s.append(seconds)
            assert served_tokens == tokens, (served_tokens, tokens)
    del llm
    return statistics.median(server_s), statistics.median(local_s), tokens


def retry_sequence(gguf: Path, task: dict, *, cache_mb: int, lookup: int, threads: int) -> tuple[float, int]:
    """Seconds for actor -> reflector -> actor-with-memory (the shape of one failed trial and a retry)."""
    with served(gguf, n_threads=threads, prompt_cache_mb=cache_mb, lookup_tokens=lookup) as (_, model):
        timed_call(model, [HumanMessage("Say OK.")], max_tokens=4)
        total, tokens = 0.0, 0
        seconds, n = timed_call(model, actor_messages(task), temperature=0)
        total, tokens = total + seconds, tokens + n
        reflect = [SystemMessage(render_prompt("reflect_system", "programming")),
                   HumanMessage(f"The function to implement:\n{task['prompt']}\nIt failed a test. In two sentences, why might that be?")]  # fmt: skip
        seconds, n = timed_call(model, reflect, temperature=0)
        total, tokens = total + seconds, tokens + n
        memory = render_prompt("actor_reflections", "programming", reflections="- Check the empty input first.")
        seconds, n = timed_call(model, actor_messages(task, memory), temperature=0)
        return total + seconds, tokens + n


def seconds_per_task(gguf: Path, tasks: list[dict]) -> tuple[float, int, int]:
    """Single attempts (strategy none) through the bench harness; (seconds per task, calls, passed)."""
    from reflexion.bench import BenchSettings, ResultFile, run_bench
    from reflexion.runner import open_graph

    domain = ProgrammingDomain()
    with tempfile.TemporaryDirectory() as scratch, served(gguf) as (server, _):
        model = chat_model(ModelSettings(model=server.model, base_url=server.base_url, api_key="local"))
        context = Context.with_model(model, domain)
        started = time.perf_counter()
        with open_graph(domain, Path(scratch) / "runs.sqlite") as graph, ResultFile.open(Path(scratch) / "rows.jsonl") as results:
            run = run_bench(graph, context, tasks, results, BenchSettings(strategy="none", max_trials=1), db=Path(scratch) / "runs.sqlite")
        seconds = time.perf_counter() - started
    calls = sum(u["calls"] for row in run.written for u in row["usage"].values())
    return seconds / len(tasks), calls, sum(row["passed"] for row in run.written)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=None, help="a known local model or a .gguf file (default: the default model)")
    parser.add_argument("--tasks", type=int, default=5, help="HumanEval tasks for the seconds-per-task figure (default: 5)")
    parser.add_argument("--repeats", type=int, default=3, help="calls per measurement, median taken (default: 3)")
    parser.add_argument("--quick", action="store_true", help="only parts 1 and 4")
    args = parser.parse_args()

    gguf = find_gguf(args.model, announce=print)
    tasks = ProgrammingDomain().load_tasks("humaneval")
    print(f"model {gguf.name}; default threads here: {default_threads()}; {multiprocessing.cpu_count()} cores\n")

    print("1. served (llama.cpp server + ChatOpenAI over HTTP) vs in-process llama-cpp-python, same prompt")
    for threads in (1, 2):
        server_s, local_s, tokens = served_vs_in_process(gguf, tasks[0], threads, args.repeats)
        print(f"   {threads} thread(s): {tokens} tokens; served {server_s:.2f} s ({tokens / server_s:.1f} tok/s), "
              f"in-process {local_s:.2f} s ({tokens / local_s:.1f} tok/s): the server path costs {server_s / local_s - 1:+.1%}")  # fmt: skip

    if not args.quick:
        print("\n2. threads, idle vs one core busy (median seconds for one actor call)")
        for busy in (False, True):
            figures = []
            for threads in (1, 2):
                with load(busy), served(gguf, n_threads=threads) as (_, model):
                    timed_call(model, [HumanMessage("Say OK.")], max_tokens=4)
                    runs = [timed_call(model, actor_messages(tasks[i]), temperature=0) for i in range(args.repeats)]
                figures.append(f"{threads} thread(s) {statistics.median(s for s, _ in runs):.2f} s "
                               f"({sum(n for _, n in runs) / sum(s for s, _ in runs):.1f} tok/s)")  # fmt: skip
            print(f"   {'one core busy' if busy else 'idle'}: " + "; ".join(figures))

        print("\n3. one failed trial and its retry (actor, reflector, actor with memory)")
        threads = default_threads()
        for cache_mb, lookup in ((0, 0), (1024, 0), (0, 10), (1024, 10)):
            seconds, tokens = retry_sequence(gguf, tasks[1], cache_mb=cache_mb, lookup=lookup, threads=threads)
            print(f"   prompt cache {cache_mb:>4} MB, lookup {lookup:>2}: {seconds:.2f} s for {tokens} tokens")

    print(f"\n4. a single attempt per HumanEval task, first {args.tasks} tasks, defaults")
    per_task, calls, passed = seconds_per_task(gguf, tasks[: args.tasks])
    print(f"   {per_task:.1f} s a task ({calls} model calls, {passed}/{args.tasks} passed; goal: under 10 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
