"""A small HotPotQA-format task (made up, so that no answer is known to any model) and helpers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reflexion.domains.base import ActorMemory, Step
from reflexion.llm import RoleModel
from reflexion.state import Task
from reflexion.testing.fakes import ScriptedChatModel

SHARED_DATA = Path(__file__).resolve().parents[4] / "shared" / "data" / "hotpotqa-distractor-100.jsonl"

ROW: dict[str, Any] = {
    "id": "brightwater",
    "question": "In what year was the founder of Brightwater Records born?",
    "answer": "1961",
    "type": "bridge",
    "level": "hard",
    "supporting_facts": [{"title": "Brightwater Records", "sent_id": 1}, {"title": "Mara Quinn", "sent_id": 0}],
    "context": [
        {
            "title": "Mara Quinn (painter)",
            "sentences": ["Mara Quinn (1890-1950) was a Scottish painter.", " She painted harbours."],
        },
        {
            "title": "Brightwater Records",
            "sentences": [
                "Brightwater Records is an independent record label based in Leeds.",
                " It was founded in 1994 by the producer Mara Quinn.",
                " The label is known for folk music.",
            ],
        },
        {"title": "Leeds", "sentences": ["Leeds is a city in West Yorkshire, England."]},
        {
            "title": "Mara Quinn",
            "sentences": [
                "Mara Quinn (born 1961) is an English music producer.",
                " Quinn grew up in Whitby.",
                " In 1994 Quinn founded a record label in Leeds.",
            ],
        },
        {"title": "Folk music", "sentences": ["Folk music includes traditional music and the genre that grew from it."]},
    ],
}


def write_rows(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def make_step(task: Task, *replies: str | Exception, role: str = "actor") -> tuple[Step, ScriptedChatModel]:
    model = ScriptedChatModel(replies=list(replies))
    return Step(task=task, llm=RoleModel(role, model), domain_data={}), model


def no_memory() -> ActorMemory:
    return ActorMemory()
