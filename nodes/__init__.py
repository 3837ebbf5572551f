"""The loop's four nodes, one module each."""

from reflexion.nodes.actor import actor, actor_memory
from reflexion.nodes.decide import decide
from reflexion.nodes.evaluator import evaluator
from reflexion.nodes.reflect import reflect

__all__ = ["actor", "actor_memory", "decide", "evaluator", "reflect"]
