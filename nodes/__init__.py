"""The loop's nodes, one module each (``review`` only runs when a person reviews the reflections)."""

from reflexion.nodes.actor import actor, actor_memory
from reflexion.nodes.decide import decide
from reflexion.nodes.evaluator import evaluator
from reflexion.nodes.reflect import reflect
from reflexion.nodes.review import review

__all__ = ["actor", "actor_memory", "decide", "evaluator", "reflect", "review"]
