"""Fixtures: the same behaviour is checked under bubblewrap and under the rlimits fallback."""

from __future__ import annotations

import shutil

import pytest

from drivers.corpus import private_uids
from reflexion.sandbox import Limits, Sandbox
from reflexion.sandbox.isolation import base_python, probe_bubblewrap

# Short limits keep the attack tests fast; every test gets them afresh.
TEST_LIMITS = Limits(timeout_s=2.0, cpu_s=3.0, memory_mb=256, max_processes=16, output_bytes=1 << 16)
MODES = ["bubblewrap", "rlimits"]


def bubblewrap_problem() -> str | None:
    """Why bubblewrap cannot be used here, or None."""
    bwrap = shutil.which("bwrap")
    return "bwrap not found on PATH" if bwrap is None else probe_bubblewrap(bwrap, base_python())


def require_bubblewrap() -> None:
    problem = bubblewrap_problem()
    if problem is not None:
        pytest.skip(f"bubblewrap not usable here ({problem}); the rlimits fallback is tested instead")


def make_sandbox(mode: str, limits: Limits = TEST_LIMITS) -> Sandbox:
    if mode == "bubblewrap":
        require_bubblewrap()
    sandbox = Sandbox(limits, isolation=mode, uids=private_uids())  # leftovers are found by uid
    if sandbox.runs_code_as_root:
        pytest.skip("the fallback would run attacks as root here (no interpreter other uids can run): not safe to test")
    return sandbox


@pytest.fixture(params=MODES)
def sandbox(request: pytest.FixtureRequest) -> Sandbox:
    """A sandbox in each isolation mode."""
    return make_sandbox(request.param)


@pytest.fixture
def bwrap_sandbox() -> Sandbox:
    return make_sandbox("bubblewrap")


@pytest.fixture
def fallback_sandbox() -> Sandbox:
    return make_sandbox("rlimits")
