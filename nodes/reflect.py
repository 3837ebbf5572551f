"""Reflect node: the self-reflection model turns the failed trial into a short lesson in memory."""

from __future__ import annotations

import re
from typing import Any

from langgraph.runtime import Runtime

from reflexion.context import Context
from reflexion.llm import RoleModel
from reflexion.prompts import render_prompt
from reflexion.state import ReflexionState

MAX_REFLECTION_CHARS = 2000
_SENTENCE_END = re.compile(r"[.!?](?=[\s\"')\]]|$)")


def reflect(state: ReflexionState, runtime: Runtime[Context]) -> dict[str, Any]:
    domain = runtime.context.resolved_domain(state.get("domain_settings"))
    last = state["trials"][-1]
    earlier = state.get("reflections", [])[-state["memory_window"]:]
    prompt = render_prompt(
        "reflect",
        domain.name,
        task=state["task"]["prompt"],
        trial=domain.render_trial(last),
        feedback=last["feedback"]["text"],
        reflections="\n".join(f"- {r}" for r in earlier) or "(none yet)",
    )
    llm = RoleModel("reflector", runtime.context.model("reflector"))
    # A reflection is a lesson in words (every reflect prompt says: a plan, not code). Small models
    # paste a whole new implementation anyway, which costs most of the call; stop where one begins.
    reply = llm.reply(prompt, system=render_prompt("reflect_system", domain.name), stop=["```"])
    text = whole_sentences(reply.text) if reply.cut_off else without_dangling_intro(reply.text)
    if not text:
        # An empty reflection is a failed step, not a crash: keep the evaluator's words as the lesson.
        text = f"(The reflector gave no reflection.) Trial {last['trial']} failed: {last['feedback']['text']}"
    text = text[:MAX_REFLECTION_CHARS]
    if state.get("review_reflections"):
        # A person reviews it first (the review node): kept here, so the model call never runs twice.
        return {"draft_reflection": text, "usage": llm.usage_update()}
    return {"reflections": [text], "reflection_authors": ["model"], "usage": llm.usage_update()}


def whole_sentences(text: str) -> str:
    """A reflection the token limit cut off, without its unfinished last sentence (and never a
    half-open code fence): the actor should read a lesson, not a fragment."""
    text = text.strip()
    if text.count("```") % 2:
        text = text[: text.rfind("```")].rstrip()
    ends = [match.end() for match in _SENTENCE_END.finditer(text)]
    return text[: ends[-1]] if ends else text


def without_dangling_intro(text: str) -> str:
    """The reflection without a last line that introduces what was cut off ("Here is the fix:")."""
    text = text.strip()
    while text.endswith(":"):
        text = text[: max(text.rfind("\n"), 0)].rstrip()
    return text
