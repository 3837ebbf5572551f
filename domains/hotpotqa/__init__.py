"""HotPotQA (distractor setting): multi-hop questions over ten Wikipedia paragraphs, two of them gold.

Three domains, one per actor, so that a run names its actor on the command line
(``reflexion run --domain hotpotqa-react --task ID``):

- ``hotpotqa-cot-gt``: chain of thought over the gold supporting paragraphs (the paper's CoT (GT));
- ``hotpotqa-cot``: chain of thought over all ten paragraphs;
- ``hotpotqa-react``: ReAct with ``search`` / ``lookup`` / ``finish`` over the ten paragraphs, as a
  LangGraph subgraph (``actor_graph()``).

The evaluator (exact match against the label, or an LLM judge that never sees it), the data path and
the ReAct step cap come from environment variables; see ``settings.py`` and ``docs/hotpotqa.md``.
"""

from reflexion.domains.hotpotqa.cot import HotpotCoTDomain, HotpotCoTGoldDomain
from reflexion.domains.hotpotqa.domain import HotpotQADomain
from reflexion.domains.hotpotqa.react import HotpotReActDomain

__all__ = ["HotpotCoTDomain", "HotpotCoTGoldDomain", "HotpotQADomain", "HotpotReActDomain"]
