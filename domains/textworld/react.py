"""The ReAct actor: read the game so far, think, send one command, observe; one model call per turn."""

from __future__ import annotations

from reflexion.domains.base import ActorMemory
from reflexion.domains.textworld import trajectory as tr
from reflexion.domains.textworld.parser import parse_reply
from reflexion.domains.textworld.rendering import render_last_attempt, render_reflections, render_transcript
from reflexion.domains.textworld.session import GameSession
from reflexion.domains.textworld.settings import PlaySettings
from reflexion.llm import RoleModel
from reflexion.prompts import render_prompt

PROMPTS = "textworld"


def actor_prompt(
    memory: ActorMemory, trajectory: list[tr.TrajectoryStep], admissible: list[str], settings: PlaySettings
) -> str:
    commands = f"Valid commands now: {', '.join(admissible)}." if settings.show_commands and admissible else ""
    return render_prompt(
        "actor",
        PROMPTS,
        max_steps=settings.max_steps,
        reflections=render_reflections(memory.reflections),
        last_attempt=render_last_attempt(memory),
        transcript=render_transcript(trajectory),
        commands=commands,
        steps_left=settings.max_steps - tr.model_turns(trajectory),
    )


def take_turn(
    llm: RoleModel, memory: ActorMemory, trajectory: list[tr.TrajectoryStep], session: GameSession, settings: PlaySettings
) -> tr.TrajectoryStep:
    """One model turn against the live game; an unreadable reply is a step whose observation says why."""
    raw = llm.ask(actor_prompt(memory, trajectory, session.admissible_commands, settings))
    reply = parse_reply(raw)
    if reply.command is not None:
        return tr.act_step(reply, session.step(reply.command))
    if reply.thought is not None:
        return tr.think_step(reply, session.score)
    return tr.invalid_step(raw, reply, session.score)


def progress_event(trajectory: list[tr.TrajectoryStep]) -> dict[str, object]:
    """A ``custom`` stream event for the step just taken (``message`` is what progress lines show)."""
    step = trajectory[-1]
    turn = tr.model_turns(trajectory)
    said = str(step.get("observation", "")).replace("\n", " ")
    if step["kind"] == "act":
        message = f"step {turn}: > {step['action']} -> {said}"
    elif step["kind"] == "think":
        message = f"step {turn}: think: {step['thought']}"
    elif step["kind"] == "invalid":
        message = f"step {turn}: unreadable reply -> {said}"
    else:
        message = f"game start: {said}"
    return {"event": "textworld_step", "step": turn, "message": message, **step}
