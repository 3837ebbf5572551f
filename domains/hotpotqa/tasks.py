"""HotPotQA tasks from the distractor-setting JSON lines format, and the paragraphs they carry.

Each line: ``id``, ``question``, ``answer``, ``type`` and ``level`` (optional), ``supporting_facts``
(a list of ``{"title", "sent_id"}``) and ``context`` (a list of ``{"title", "sentences"}``: the two or
more gold paragraphs among eight or so distractors). A task keeps them as plain data, so that it can
live in checkpointed graph state.
"""

from __future__ import annotations

from typing import Any, TypedDict

from reflexion.errors import TaskError
from reflexion.jsonl import read_jsonl, require
from reflexion.state import Task


class Paragraph(TypedDict):
    title: str
    sentences: list[str]


def load_hotpotqa(path: str, domain: str) -> list[Task]:
    """Every question in ``path`` as a task of ``domain``; a malformed line is a :class:`TaskError` naming it."""
    tasks: list[Task] = []
    for number, row in enumerate(read_jsonl(path), start=1):
        where = f"{path}: task {number}"
        require(row, {"id": (str, int), "question": str, "answer": (str, int), "context": list, "supporting_facts": list}, where)
        paragraphs = [_paragraph(item, f"{where}, context {i}") for i, item in enumerate(row["context"], start=1)]
        if not paragraphs:
            raise TaskError(f"{where}: 'context' has no paragraphs")
        titles = {p["title"] for p in paragraphs}
        facts = [_fact(item, titles, f"{where}, supporting fact {i}") for i, item in enumerate(row["supporting_facts"], start=1)]
        data = {
            "answer": str(row["answer"]),
            "type": str(row.get("type", "")),
            "level": str(row.get("level", "")),
            "paragraphs": paragraphs,
            "supporting_facts": facts,
        }
        tasks.append({"id": str(row["id"]), "domain": domain, "prompt": row["question"].strip(), "data": data})
    return tasks


def paragraphs(task: Task) -> list[Paragraph]:
    """All the question's paragraphs (gold and distractors), in file order."""
    return task["data"]["paragraphs"]


def gold_paragraphs(task: Task) -> list[Paragraph]:
    """The paragraphs named by the supporting facts: the context of the paper's CoT (GT) runs."""
    gold = {fact["title"] for fact in task["data"]["supporting_facts"]}
    return [p for p in paragraphs(task) if p["title"] in gold]


def paragraph_text(paragraph: Paragraph) -> str:
    # The distractor files keep each sentence's leading space; other HotPotQA dumps do not.
    return " ".join(s.strip() for s in paragraph["sentences"] if s.strip())


def render_paragraphs(chosen: list[Paragraph]) -> str:
    return "\n\n".join(f"{p['title']}: {paragraph_text(p)}" for p in chosen)


def _paragraph(item: Any, where: str) -> Paragraph:
    # Accept the original HotPotQA shape ``[title, [sentences...]]`` as well as ``{"title", "sentences"}``.
    if isinstance(item, list) and len(item) == 2:
        item = {"title": item[0], "sentences": item[1]}
    if not isinstance(item, dict):
        raise TaskError(f"{where}: expected {{'title': ..., 'sentences': [...]}}, got {type(item).__name__}")
    require(item, {"title": str, "sentences": list}, where)
    if not all(isinstance(s, str) for s in item["sentences"]):
        raise TaskError(f"{where}: 'sentences' must be a list of strings")
    return {"title": item["title"], "sentences": list(item["sentences"])}


def _fact(item: Any, titles: set[str], where: str) -> dict[str, Any]:
    if isinstance(item, list) and len(item) == 2:
        item = {"title": item[0], "sent_id": item[1]}
    if not isinstance(item, dict):
        raise TaskError(f"{where}: expected {{'title': ..., 'sent_id': ...}}, got {type(item).__name__}")
    require(item, {"title": str, "sent_id": int}, where)
    if item["title"] not in titles:
        raise TaskError(f"{where}: title {item['title']!r} is not among the task's context paragraphs")
    return {"title": item["title"], "sent_id": item["sent_id"]}
