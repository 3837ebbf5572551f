"""The hostile-program corpus (``tests/hostile/``): every attack is contained and reported as a
failure with its reason, and no process outlives it, under each isolation mode.

Attacks a mode does not defend against (documented in docs/sandbox.md) are not run there: running
``escape_kill_processes`` without isolation would kill this user's processes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from drivers.corpus import corpus_sandbox, format_table, load_corpus, run_program, tally
from reflexion.sandbox import Sandbox

from .conftest import MODES, require_bubblewrap

pytestmark = pytest.mark.slow

CORPUS = Path(__file__).resolve().parents[2] / "hostile"
PROGRAMS = load_corpus(CORPUS)
_sandboxes: dict[str, Sandbox] = {}


def _sandbox(mode: str) -> Sandbox:
    if mode == "bubblewrap":
        require_bubblewrap()
    if mode not in _sandboxes:
        _sandboxes[mode] = corpus_sandbox(mode)
    return _sandboxes[mode]


def test_corpus_covers_every_category():
    assert {p.category for p in PROGRAMS} == {"escape", "resource", "forgery"}
    assert len(PROGRAMS) >= 30


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("program", PROGRAMS, ids=[p.name for p in PROGRAMS])
def test_attack_is_contained(program, mode):
    sandbox = _sandbox(mode)
    if program.known_gap:
        pytest.xfail(f"known gap: {program.known_gap}")
    if not program.expected_contained(sandbox):
        pytest.skip(f"{sandbox.isolation} does not defend against {program.name} (docs/sandbox.md); not run")
    outcome = run_program(program, sandbox)
    assert outcome.breaches == [], outcome.summary()
    assert outcome.reported, outcome.summary()
    assert outcome.contained


def test_known_gaps_are_still_gaps():
    """If one of these starts being contained, move it out of the known gaps (and the docs)."""
    require_bubblewrap()
    gaps = [p for p in PROGRAMS if p.known_gap]
    assert gaps
    outcomes = [run_program(p, _sandbox("bubblewrap")) for p in gaps]
    assert not any(o.contained for o in outcomes), [o.summary() for o in outcomes]
    assert "total" in format_table(tally(outcomes))
