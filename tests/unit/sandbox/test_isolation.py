"""Choosing the isolation: bubblewrap when it works, the fallback when forced or missing (said once)."""

from __future__ import annotations

import logging

import pytest

from reflexion.errors import SettingsError
from reflexion.sandbox import Limits, Sandbox, SandboxError
from reflexion.sandbox import isolation as isolation_

from .conftest import require_bubblewrap


def test_auto_prefers_bubblewrap():
    require_bubblewrap()
    assert Sandbox().isolation == "bubblewrap"


def test_fallback_is_forced_by_parameter_or_environment(monkeypatch):
    assert Sandbox(isolation="rlimits").isolation == "rlimits (bubblewrap not available: disabled by isolation='rlimits')"
    monkeypatch.setenv("REFLEXION_SANDBOX", "rlimits")
    assert Sandbox().isolation == "rlimits (bubblewrap not available: disabled by REFLEXION_SANDBOX=rlimits)"


def test_missing_bubblewrap_falls_back_and_says_so_once(monkeypatch, caplog):
    monkeypatch.setattr(isolation_.shutil, "which", lambda name, **kw: None)
    monkeypatch.setattr(isolation_, "_warned", set())
    with caplog.at_level(logging.WARNING, logger="reflexion.sandbox.isolation"):
        first, second = Sandbox(), Sandbox()
    assert first.isolation == second.isolation == "rlimits (bubblewrap not available: bwrap not found on PATH)"
    assert len([r for r in caplog.records if "bubblewrap not available" in r.getMessage()]) == 1
    assert first.run("print(6 * 7)").stdout == "42\n"  # and the fallback still works


def test_requiring_bubblewrap_where_it_is_missing_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(isolation_.shutil, "which", lambda name, **kw: None)
    with pytest.raises(SandboxError, match="bubblewrap is required but not usable: bwrap not found on PATH"):
        Sandbox(isolation="bubblewrap")


def test_unknown_isolation_and_bad_limits_are_named_errors():
    with pytest.raises(SandboxError, match="must be one of auto, bubblewrap, rlimits"):
        Sandbox(isolation="docker")
    with pytest.raises(SettingsError, match="sandbox limit memory_mb must be a positive number"):
        Limits(memory_mb=0)


def test_bubblewrap_exposes_only_what_the_interpreter_needs():
    argv = isolation_.bwrap_argv("bwrap", isolation_.base_python(), scratch_bytes=1 << 20)
    sources = [argv[i + 1] for i, arg in enumerate(argv) if arg in ("--bind", "--ro-bind")]
    assert "/" not in sources and "/work" not in sources and "/root" not in sources
    assert "--bind" not in argv  # nothing from the host is writable
    assert {"--unshare-pid", "--unshare-net", "--die-with-parent", "--new-session", "--clearenv"} <= set(argv)
