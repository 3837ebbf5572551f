"""A built wheel is a working install: built from this checkout, installed into a fresh virtual
environment outside it, and run from a folder that is not the checkout (so nothing can be found
beside the source tree)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from reflexion.testing.openai_stub import OpenAIStub, Rule, Script

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``bin`` folder of a fresh virtualenv with the wheel (and its dependencies) installed."""
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(work / "dist"), str(ROOT)],
                   check=True, capture_output=True, timeout=300)  # fmt: skip
    [wheel] = (work / "dist").glob("reflexion_langgraph-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "reflexion/domains/programming/testplan.py" in names and "reflexion/prompts/programming/actor.txt" in names
    assert not [n for n in names if n.startswith(("tests/", "drivers/", "graphs/", "nodes/"))], "only the reflexion package ships"
    subprocess.run([sys.executable, "-m", "venv", str(work / "venv")], check=True, timeout=120)
    pip = subprocess.run([str(work / "venv" / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
                         capture_output=True, text=True, timeout=600)  # fmt: skip
    assert pip.returncode == 0, pip.stderr[-2000:]
    return work / "venv" / "bin"


def run(bin_dir: Path, *args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "REFLEXION_", "PYTHON"))}
    return subprocess.run([str(bin_dir / args[0]), *args[1:]], cwd=cwd, env={**base, "NO_COLOR": "1", **(env or {})},
                          capture_output=True, text=True, timeout=300)  # fmt: skip


def test_the_installed_command_draws_the_graph(installed: Path, tmp_path: Path) -> None:
    result = run(installed, "reflexion", "graph", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "actor" in result.stdout and "reflect" in result.stdout and "decide" in result.stdout


def test_the_installed_command_runs_a_task_against_an_endpoint(installed: Path, tmp_path: Path) -> None:
    rules = [Rule("I added wrong.", model="stub-reflector"), Rule("Answer: 28", model="stub-actor", when="added wrong"),
             Rule("Answer: 27", model="stub-actor")]  # fmt: skip
    with OpenAIStub(Script(rules=rules)) as stub:
        env = {**stub.client_env(), "REFLEXION_DB": str(tmp_path / "runs.sqlite")}
        result = run(installed, "reflexion", "run", "--domain", "qa", "--task", "sum-primes", "--thread", "t", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert "solved" in result.stdout and "I added wrong." in result.stdout


LOAD = """
from reflexion.domains import get_domain
print(len(get_domain("programming").load_tasks("humaneval")), len(get_domain("programming").load_tasks("mbpp")),
      len(get_domain("hotpotqa-cot-gt").load_tasks()), len(get_domain("qa").load_tasks()))
"""


@pytest.mark.skipif(not SHARED.is_dir(), reason="needs ../shared/data beside the checkout")
def test_the_installed_package_loads_every_task_set_from_its_documented_settings(installed: Path, tmp_path: Path) -> None:
    env = {"REFLEXION_MBPP": str(SHARED / "mbpp-py.jsonl"), "REFLEXION_HOTPOTQA": str(SHARED / "hotpotqa-distractor-100.jsonl")}
    result = run(installed, "python", "-c", LOAD, cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["164", "397", "100", "8"]
    missing = run(installed, "python", "-c", LOAD, cwd=tmp_path)  # outside the checkout, nothing set: one clear error
    assert missing.returncode != 0 and "set REFLEXION_MBPP to the path of mbpp-py.jsonl" in missing.stderr
