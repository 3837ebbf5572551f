"""Reflexion (Shinn et al., NeurIPS 2023) as a LangGraph workflow.

The loop is :func:`reflexion.graphs.build_graph`; runs start with :func:`reflexion.state.new_run` and
take a :class:`reflexion.context.Context` (the three role models and the task domain).
"""

__version__ = "0.1.0"
