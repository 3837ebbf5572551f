"""Graph builders. ``build_graph`` is the Reflexion loop."""

from reflexion.graphs.reflexion import build_graph, route_after_decide

__all__ = ["build_graph", "route_after_decide"]
