"""The README's "Using it from code" snippet runs as written, for every built-in domain (its task set
and domain name swapped in), against the local OpenAI stub: a plain-data context, resolved to real
ChatOpenAI clients over HTTP, and the domain's own actor subgraph wired by ``build_graph(domain=...)``."""

from __future__ import annotations

import re
from importlib.util import find_spec
from pathlib import Path

import pytest

from reflexion.testing.openai_stub import OpenAIStub, Rule, Script

README = Path(__file__).resolve().parents[2] / "README.md"
# One reply every domain can read something from: an answer line, a ReAct finish, a game command, code.
REPLY = "Thought: I will answer.\nAction: finish[yes]\nAnswer: yes\n> look\n```python\ndef f(x):\n    return x\n```"
DOMAINS = ["qa", "programming", "hotpotqa-cot-gt", "hotpotqa-cot", "hotpotqa-react", "textworld"]


def snippet() -> str:
    section = README.read_text(encoding="utf-8").split("## Using it from code", 1)[1]
    return re.search(r"```python\n(.*?)```", section, flags=re.S).group(1)


@pytest.mark.parametrize("name", DOMAINS)
def test_the_readme_snippet_runs_for_every_built_in_domain(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if name == "textworld" and find_spec("textworld") is None:
        pytest.skip("the [textworld] extra is not installed")
    code = snippet()
    assert 'get_domain("programming")' in code and 'load_tasks("humaneval")' in code and '"domain": "programming"' in code
    code = code.replace('get_domain("programming")', f"get_domain({name!r})").replace('"domain": "programming"', f'"domain": {name!r}')
    code = code.replace("max_trials=5", "max_trials=2")
    if name != "programming":
        code = code.replace('load_tasks("humaneval")', "load_tasks(None)")
    monkeypatch.chdir(README.parent)  # the data sets are found in ../shared/data, as for a user in the checkout
    with OpenAIStub(Script(rules=[Rule(REPLY)])) as stub:
        for key, value in stub.client_env().items():
            monkeypatch.setenv(key, value)
        namespace: dict = {}
        exec(compile(code, "README.md", "exec"), namespace)  # our own README, not model output
    state = namespace["state"]
    assert state["outcome"] in ("solved", "failed") and state["task"]["domain"] in (name, "programming", "qa", name.split("-")[0])
    assert stub.requests, "the models were called over HTTP"
    if name == "hotpotqa-react":
        assert namespace["graph"].get_graph(xray=True).nodes.keys() >= {"actor:think", "actor:act"}, "the ReAct subgraph is wired"
