"""Reflect node: the self-reflection model turns the failed trial into a short lesson in memory."""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Generator
from typing import Any

from langgraph.runtime import Runtime

from reflexion.context import Context
from reflexion.domains.base import Domain
from reflexion.lessons import (
    repeated_lesson,
    whole_sentences,
    without_dangling_intro,
    without_prompt_echo,
    without_repeated_sentences,
)
from reflexion.llm import Reply, RoleModel
from reflexion.nodes.dual import adrive, drive
from reflexion.prompts import load_prompt, render_prompt
from reflexion.state import ReflexionState

MAX_REFLECTION_CHARS = 2000
# A reflection is a lesson in words (every reflect prompt says: a plan, not code). Small models
# paste a whole new implementation anyway, which costs most of the call; stop where one begins.
STOP = ["```"]


def reflect(state: ReflexionState, runtime: Runtime[Context]) -> dict[str, Any]:
    domain, llm = _start(state, runtime)
    return drive(_reflection(state, runtime, domain, llm), lambda call: llm.reply(**call))


async def areflect(state: ReflexionState, runtime: Runtime[Context]) -> dict[str, Any]:
    """:func:`reflect` on the event loop (the model's ``ainvoke``; the context's objects made in a worker thread)."""
    domain, llm = await asyncio.to_thread(_start, state, runtime)
    return await adrive(_reflection(state, runtime, domain, llm), lambda call: llm.areply(**call))


def _start(state: ReflexionState, runtime: Runtime[Context]) -> tuple[Domain, RoleModel]:
    return runtime.context.resolved_domain(state.get("domain_settings")), RoleModel("reflector", runtime.context.model("reflector"))


def _reflection(state: ReflexionState, runtime: Runtime[Context], domain: Domain, llm: RoleModel) -> Generator[dict[str, Any], Reply, dict[str, Any]]:
    """The node's logic: yields each call to the reflector (``RoleModel.reply``'s arguments; see ``nodes/dual.py``)."""
    last = state["trials"][-1]
    reflections = state.get("reflections", [])
    def prompt_with(lessons: str) -> str:
        return render_prompt(
            "reflect", domain.name, task=state["task"]["prompt"], trial=domain.render_trial(last), feedback=last["feedback"]["text"], reflections=lessons
        )

    prompt = prompt_with("\n".join(f"- {r}" for r in reflections[-state["memory_window"]:]) or "(none yet)")
    system = render_prompt("reflect_system", domain.name)
    instructions = [load_prompt(role, domain.name).template for role in ("reflect", "reflect_system", "reflect_repeated", "reflect_hidden")]
    text = lesson((yield {"prompt": prompt, "system": system, "stop": STOP}), instructions)
    repeated = repeated_lesson(text, reflections)
    temperature = state.get("retry_temperature", 0.0)
    if repeated is not None and temperature > 0:
        # The same lesson again cannot change the next attempt (at temperature 0 the loop would sit
        # at a fixed point): ask once more, told so and without the lessons it copied (a small model
        # shown them copies them again, even sampling), sampled and seeded so a rerun draws the same.
        runtime.stream_writer({"message": f"the reflection repeats lesson {repeated}; asking for a different one"})
        seed = zlib.crc32(f"{state['task']['id']}:{state['trial']}:reflect".encode())
        retry = prompt_with(render_prompt("reflect_hidden", domain.name)) + render_prompt("reflect_repeated", domain.name)
        again = lesson((yield {"prompt": retry, "system": system, "stop": STOP, "temperature": temperature, "seed": seed}), instructions)
        if again and repeated_lesson(again, reflections) is None:
            text = again
    if not text:
        # An empty reflection is a failed step, not a crash: keep the evaluator's words as the lesson.
        text = f"(The reflector gave no reflection.) Trial {last['trial']} failed: {last['feedback']['text']}"
    text = text[:MAX_REFLECTION_CHARS]
    if state.get("review_reflections"):
        # A person reviews it first (the review node): kept here, so the model call never runs twice.
        return {"draft_reflection": text, "usage": llm.usage_update()}
    return {"reflections": [text], "reflection_authors": ["model"], "usage": llm.usage_update()}


def lesson(reply: Reply, instructions: list[str]) -> str:
    """The lesson in a reflector's reply: whole sentences if it was cut off, each sentence once,
    without a dangling "Here is the fix:" and without the prompt's own instructions copied into it."""
    text = whole_sentences(reply.text) if reply.cut_off else without_dangling_intro(reply.text)
    return without_prompt_echo(without_repeated_sentences(text), instructions)
