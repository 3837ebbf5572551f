"""Run-time context: what the nodes need that is not state, as plain data. Not checkpointed: pass it
on every ``invoke``/``stream`` call, resumes included (``reflexion.runner`` does that for you).

Every field is serialisable, has a default and a one-line description, so a LangGraph server
(``langgraph dev``, Studio, the Agent Server) can build a context from JSON and show it as the
assistant's form. Models and the domain are made from it when a node first needs them, and cached
per process (``reflexion.resolve``). API keys are never part of it: they stay in the environment.

Code that already holds chat model objects or a domain object (a test, a notebook, the CLI, which
starts the embedded server itself) passes them through the one seam, :meth:`Context.of`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING, Any

from reflexion.errors import SettingsError

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from reflexion.domains.base import Domain
    from reflexion.models import Role


@dataclass(kw_only=True)
class ModelConfig:
    """One role's model. Fields left empty come from the environment (``REFLEXION_<ROLE>_MODEL``,
    ``REFLEXION_BASE_URL``, ...; see ``.env.example``), and with no endpoint anywhere the embedded
    local model serves the role."""

    model: str | None = field(default=None, metadata={"description": "Model name the endpoint serves (e.g. gpt-4o-mini)."})
    base_url: str | None = field(default=None, metadata={"description": "OpenAI-compatible endpoint URL; the API key comes from the environment."})
    temperature: float | None = field(default=None, metadata={"description": "Sampling temperature (default 0)."})
    max_tokens: int | None = field(default=None, metadata={"description": "Reply budget in tokens (defaults: actor 1024, evaluator 400, reflector 300)."})
    timeout_s: float | None = field(default=None, metadata={"description": "Seconds per request (default 120)."})
    max_retries: int | None = field(default=None, metadata={"description": "Retries with backoff on 429/5xx/timeouts (default 3)."})

    def overrides(self) -> dict[str, Any]:
        """The fields that are set."""
        return {key: value for key, value in asdict(self).items() if value is not None}


def _role_field(what: str) -> Any:
    return field(default_factory=ModelConfig, metadata={"description": what})


@dataclass(kw_only=True)
class Context:
    actor: ModelConfig = _role_field("The model that attempts the task.")
    evaluator: ModelConfig = _role_field("The model the domain's evaluator may use (e.g. to write unit tests).")
    reflector: ModelConfig = _role_field("The model that writes the self-reflections.")
    domain: str = field(default="qa", metadata={"description": "The task domain: qa, programming, hotpotqa-cot-gt, hotpotqa-cot, hotpotqa-react, textworld."})
    domain_settings: dict[str, Any] = field(
        default_factory=dict, metadata={"description": "The domain's own settings (e.g. programming: test_source, max_self_tests)."}
    )

    def __post_init__(self) -> None:
        # A server hands over JSON: nested objects arrive as dicts.
        for role in ("actor", "evaluator", "reflector"):
            value = getattr(self, role)
            if isinstance(value, dict):
                known = {f.name for f in fields(ModelConfig)}
                unknown = sorted(set(value) - known)
                if unknown:
                    raise SettingsError(f"unknown {role} model setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
                setattr(self, role, ModelConfig(**value))
            elif not isinstance(value, ModelConfig):
                raise SettingsError(
                    f"context.{role} must be model settings (ModelConfig or a dict); pass chat model objects with Context.of(...)"
                )
        if not isinstance(self.domain, str):
            raise SettingsError("context.domain must be a domain's name; pass a domain object with Context.of(...)")
        self._models: dict[str, BaseChatModel] = {}
        self._domain: Domain | None = None

    @classmethod
    def of(cls, *, actor: BaseChatModel, evaluator: BaseChatModel, reflector: BaseChatModel, domain: Domain) -> Context:
        """A context around ready-made objects: chat models for the three roles and a domain."""
        context = cls(domain=domain.name)
        context._models = {"actor": actor, "evaluator": evaluator, "reflector": reflector}
        context._domain = domain
        return context

    @classmethod
    def with_model(cls, model: BaseChatModel, domain: Domain) -> Context:
        """One model object in all three roles."""
        return cls.of(actor=model, evaluator=model, reflector=model, domain=domain)

    def model(self, role: Role) -> BaseChatModel:
        """The chat model for ``role``: the one given to :meth:`of`, else one made from the settings."""
        if role in self._models:
            return self._models[role]
        from reflexion.resolve import chat_model_for

        return chat_model_for(role, getattr(self, role))

    def resolved_domain(self, run_settings: dict[str, Any] | None = None) -> Domain:
        """The domain object: the one given to :meth:`of`, else ``domain`` made with ``domain_settings``.
        ``run_settings``, the settings a run started with (its state's ``domain_settings``), win: a
        thread resumed under another environment or context keeps the domain it began with."""
        from reflexion.resolve import domain_for

        if self._domain is not None and (run_settings is None or self._domain.settings() == run_settings):
            return self._domain
        return domain_for(self.domain, self.domain_settings if run_settings is None else run_settings)
