"""Run-time context: what the nodes need that is not state. Not checkpointed: pass it on every
``invoke``/``stream`` call, resumes included (``reflexion.runner`` does that for you)."""

from __future__ import annotations

from dataclasses import dataclass, field

from langchain_core.language_models import BaseChatModel

from reflexion.domains.base import Domain


@dataclass(kw_only=True)
class Context:
    actor: BaseChatModel = field(metadata={"description": "Chat model that attempts the task."})
    evaluator: BaseChatModel = field(metadata={"description": "Chat model the domain's evaluator may use (e.g. to write unit tests)."})
    reflector: BaseChatModel = field(metadata={"description": "Chat model that writes the self-reflections."})
    domain: Domain = field(metadata={"description": "The task domain: loads tasks, acts, evaluates."})

    @classmethod
    def with_model(cls, model: BaseChatModel, domain: Domain) -> Context:
        """One model in all three roles."""
        return cls(actor=model, evaluator=model, reflector=model, domain=domain)
