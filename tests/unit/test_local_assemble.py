"""Assembling a known model from its part wheels: real (fake) distributions on sys.path, real files.

Each test installs small dist-info folders into a temporary site directory, exactly as pip lays out
a data-only wheel, so ``importlib.metadata`` finds the parts the way it finds the real ones.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from reflexion.errors import SettingsError
from reflexion.local import assemble
from reflexion.local.assemble import cache_dir, model_path
from reflexion.local.catalog import KNOWN_MODELS, KnownModel, Part

PIECES = [b"GGUF" + bytes(range(256)) * 40, os.urandom(300_000), b"tail" * 999]


def install_parts(site: Path, pieces: list[bytes], *, prefix: str = "fakepart", version: str = "1.0") -> tuple[Part, ...]:
    parts = []
    for number, data in enumerate(pieces, start=1):
        package, module = f"{prefix}{number}", f"{prefix}{number}"
        (site / module / "data").mkdir(parents=True)
        (site / module / "data" / f"part{number:02d}.bin").write_bytes(data)
        (site / module / "__init__.py").write_text("raise RuntimeError('a part wheel must never be imported')\n")
        info = site / f"{package}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {package}\nVersion: {version}\n")
        (info / "RECORD").write_text(f"{module}/__init__.py,,\n{module}/data/part{number:02d}.bin,,\n{info.name}/RECORD,,\n")
        parts.append(Part(package, version, f"part{number:02d}.bin"))
    return tuple(parts)


def fake_model(parts: tuple[Part, ...], whole: bytes, *, sha256: str | None = None) -> KnownModel:
    return KnownModel(
        name="fake-model", title="Fake", filename="fake.gguf", parts=parts, size=len(whole),
        sha256=sha256 or hashlib.sha256(whole).hexdigest(), extra="fake", note="",
    )  # fmt: skip


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    yield folder


def test_the_parts_are_concatenated_in_order_and_verified(site: Path, tmp_path: Path) -> None:
    parts = install_parts(site, PIECES)
    whole = b"".join(PIECES)
    said: list[str] = []
    path = model_path(fake_model(parts, whole), cache=tmp_path / "cache", announce=said.append)
    assert path == tmp_path / "cache" / "fake.gguf"
    assert path.read_bytes() == whole
    assert len(said) == 1 and "3 installed parts" in said[0]
    assert sorted(p.name for p in path.parent.iterdir()) == ["fake.gguf", "fake.gguf.lock"], "no temporary file is left"
    assert "fakepart1" not in sys.modules, "the part packages are never imported"


def test_a_built_model_is_reused_without_reading_the_parts_again(site: Path, tmp_path: Path) -> None:
    parts = install_parts(site, PIECES)
    model = fake_model(parts, b"".join(PIECES))
    first = model_path(model, cache=tmp_path / "cache")
    (site / "fakepart2" / "data" / "part02.bin").write_bytes(b"changed")  # would fail the hash if it were read
    said: list[str] = []
    assert model_path(model, cache=tmp_path / "cache", announce=said.append) == first
    assert said == []


def test_parts_that_do_not_match_the_pinned_hash_are_refused_and_nothing_is_left(site: Path, tmp_path: Path) -> None:
    parts = install_parts(site, PIECES)
    model = fake_model(parts, b"".join(PIECES), sha256="0" * 64)
    with pytest.raises(SettingsError, match=r"do not add up to the pinned model .*pip install --force-reinstall -e \"\.\[fake\]\""):
        model_path(model, cache=tmp_path / "cache")
    assert [p.name for p in (tmp_path / "cache").iterdir()] == ["fake.gguf.lock"]


def test_a_truncated_file_in_the_cache_is_rebuilt(site: Path, tmp_path: Path) -> None:
    parts = install_parts(site, PIECES)
    whole = b"".join(PIECES)
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "fake.gguf").write_bytes(whole[:1000])
    (tmp_path / "cache" / ".fake.gguf.x1y2.part").write_bytes(b"left by a kill")
    assert model_path(fake_model(parts, whole), cache=tmp_path / "cache").read_bytes() == whole
    assert not list((tmp_path / "cache").glob("*.part")), "a killed build's temporary file is cleaned up"


def test_a_missing_part_names_the_package_and_the_extra(site: Path, tmp_path: Path) -> None:
    parts = install_parts(site, PIECES[:2])
    model = fake_model((*parts, Part("fakepart3", "1.0", "part03.bin")), b"".join(PIECES))
    with pytest.raises(SettingsError, match=r"needs the package fakepart3==1\.0, which is not installed: run pip install -e \"\.\[fake\]\""):
        model_path(model, cache=tmp_path / "cache")
    assert not (tmp_path / "cache").exists(), "nothing is written before every part is there"


def test_a_part_of_another_version_is_refused(site: Path, tmp_path: Path) -> None:
    parts = install_parts(site, PIECES, version="2.0")
    pinned = tuple(Part(p.package, "1.0", p.file) for p in parts)
    with pytest.raises(SettingsError, match=r"fakepart1 is installed at version 2\.0, but fake-model is pinned to 1\.0"):
        model_path(fake_model(pinned, b"".join(PIECES)), cache=tmp_path / "cache")


def test_an_unwritable_cache_is_one_clear_error(site: Path, tmp_path: Path) -> None:
    parts = install_parts(site, PIECES)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(SettingsError, match=r"cannot create the model cache .*REFLEXION_MODEL_CACHE"):
        model_path(fake_model(parts, b"".join(PIECES)), cache=blocker / "cache")


BUILD = """
    import hashlib, sys, time
    from pathlib import Path
    from reflexion.local.assemble import model_path
    from reflexion.local.catalog import KnownModel, Part
    whole_hash, size, count, cache, start = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4]), float(sys.argv[5])
    parts = tuple(Part(f"fakepart{i}", "1.0", f"part{i:02d}.bin") for i in range(1, count + 1))
    model = KnownModel(name="fake-model", title="Fake", filename="fake.gguf", parts=parts, size=size, sha256=whole_hash, extra="fake", note="")
    time.sleep(max(0.0, start - time.time()))  # both processes start building at the same moment
    path = model_path(model, cache=cache, announce=lambda line: print("ASSEMBLED", flush=True))
    print(hashlib.sha256(path.read_bytes()).hexdigest(), flush=True)
"""


def test_two_processes_starting_at_once_build_the_model_once(site: Path, tmp_path: Path) -> None:
    import time

    pieces = [os.urandom(4_000_000) for _ in range(4)]  # big enough that the builds would overlap
    parts = install_parts(site, pieces)
    whole = b"".join(pieces)
    digest = hashlib.sha256(whole).hexdigest()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), *sys.path])}
    args = [digest, str(len(whole)), str(len(parts)), str(tmp_path / "cache"), str(time.time() + 1.5)]
    procs = [subprocess.Popen([sys.executable, "-c", textwrap.dedent(BUILD), *args], env=env, stdout=subprocess.PIPE, text=True)
             for _ in range(2)]  # fmt: skip
    outputs = [proc.communicate(timeout=60)[0] for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0]
    assert sum(out.count("ASSEMBLED") for out in outputs) == 1, outputs
    assert all(out.strip().endswith(digest) for out in outputs)


def test_the_cache_folder_follows_the_environment(tmp_path: Path) -> None:
    assert cache_dir({"REFLEXION_MODEL_CACHE": str(tmp_path / "m")}) == tmp_path / "m"
    assert cache_dir({"XDG_CACHE_HOME": str(tmp_path / "xdg")}) == tmp_path / "xdg" / "reflexion" / "models"
    assert cache_dir({}) == Path.home() / ".cache" / "reflexion" / "models"


def test_the_catalogue_pins_every_part_in_pyproject() -> None:
    """Each part's package and version is in the extra that the catalogue names."""
    import tomllib

    extras = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    for model in KNOWN_MODELS.values():
        for part in model.parts:
            assert f"{part.package}=={part.version}" in extras[model.extra], (model.name, part.package)
    assert assemble.CACHE_ENV == "REFLEXION_MODEL_CACHE"
