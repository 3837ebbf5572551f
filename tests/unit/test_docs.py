"""The examples in the docs run as written."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).parents[2] / "docs"


def test_the_writing_a_domain_example_runs():
    blocks = re.findall(r"```python\n(.*?)```", (DOCS / "domains.md").read_text(), flags=re.S)
    namespace: dict = {}
    exec(compile("\n".join(blocks), "docs/domains.md", "exec"), namespace)  # our own docs, not model output
    assert namespace["state"]["trial"] == 2
