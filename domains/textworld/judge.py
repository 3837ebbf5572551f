"""The LLM-classifier evaluator (the paper's alternative to heuristics): the evaluator model reads the
transcript and says whether the task was completed, without the game's own won/lost signal. Its
verdict is what the loop acts on; ``score`` still reports what the game says.
"""

from __future__ import annotations

from typing import Final

from reflexion.domains.textworld.heuristics import EpisodeEnd
from reflexion.domains.textworld.rendering import render_transcript
from reflexion.domains.textworld.trajectory import TrajectoryStep
from reflexion.llm import RoleModel
from reflexion.prompts import render_prompt
from reflexion.state import Feedback
from reflexion.verdicts import parse_verdict, strip_verdict

PROMPTS: Final = "textworld"
MAX_REASON_CHARS: Final = 600



def judge_feedback(llm: RoleModel, trajectory: list[TrajectoryStep], end: EpisodeEnd) -> Feedback:
    reply = llm.ask(
        render_prompt("judge", PROMPTS, transcript=render_transcript(trajectory), ending=end.text),
        system=render_prompt("judge_system", PROMPTS),
    )
    verdict = parse_verdict(reply)
    reason = strip_verdict(reply)[:MAX_REASON_CHARS] or "(no reason given)"
    if verdict is None:
        text = f"The judge gave no readable verdict (expected a last line 'Verdict: yes' or 'Verdict: no'), so the episode counts as failed; the episode {end.text}. The judge wrote: {reason}"
        return {"score": 0.0, "success": False, "text": text}
    if verdict:
        return {"score": 1.0, "success": True, "text": f"The judge says the task was completed: {reason}"}
    return {"score": 0.0, "success": False, "text": f"The judge says the task was not completed: {reason} The episode {end.text}."}
