"""Which model file the embedded server serves: a known model by name (``catalog.py``), or any GGUF file."""

from __future__ import annotations

from collections.abc import Callable
from importlib.util import find_spec
from pathlib import Path

from reflexion.errors import SettingsError
from reflexion.local.assemble import model_path
from reflexion.local.catalog import DEFAULT_MODEL, KNOWN_MODELS, known_model

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


def find_gguf(choice: str | None = None, *, announce: Callable[[str], None] = lambda _: None) -> Path:
    """The GGUF file to serve. ``choice``: a known model's name (``None``: the default,
    Qwen2.5-Coder-0.5B-Instruct), or the path of any ``.gguf`` file."""
    require_local_extra()
    choice = (choice or DEFAULT_MODEL).strip()
    if choice in KNOWN_MODELS:
        return model_path(known_model(choice), announce=announce)
    given = Path(choice).expanduser()
    if given.is_file():
        return given.resolve()
    if given.suffix != ".gguf" and "/" not in choice:
        known_model(choice)  # a mistyped name: the error lists the known ones
    raise SettingsError(f"GGUF model file not found: {given} (check --gguf or REFLEXION_GGUF)")
