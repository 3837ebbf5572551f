"""The graphs LangGraph's own server serves (``langgraph.json``: ``langgraph dev``, LangGraph Studio,
a deployed Agent Server). The server brings its own checkpointer and store, and refuses a graph
compiled with one, so these are compiled without. The run-time context comes as JSON
(``reflexion.context.Context``: the three roles' model settings, the domain and its settings); the
API keys come from the server's environment.

- ``reflexion``: the loop with the plain actor node; every domain runs in it.
- ``reflexion-hotpotqa-react``: the loop with HotPotQA's ReAct actor as a subgraph, so each
  think/act/observe step is a checkpoint of its own (use it with the ``hotpotqa-react`` domain).
"""

from __future__ import annotations

from reflexion.domains.hotpotqa import HotpotReActDomain
from reflexion.graphs.reflexion import build_graph

graph = build_graph()
hotpotqa_react = build_graph(domain=HotpotReActDomain())
