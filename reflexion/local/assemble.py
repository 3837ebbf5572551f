"""Turn a known model's installed part wheels into one verified GGUF file in the model cache.

Done once per machine: the parts are concatenated into a temporary file next to the target while
their SHA-256 is computed, the file is fsynced, checked against the pinned hash, and only then
renamed into place (an atomic rename on the same filesystem), so a reader never sees half a model.
A file lock makes a second process that starts at the same moment wait, then find the finished
file instead of building it again. A file already in the cache is trusted when its size matches:
it could only have got there through the hash check.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Mapping
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from filelock import FileLock

from reflexion.errors import SettingsError
from reflexion.local.catalog import KnownModel, Part

CACHE_ENV = "REFLEXION_MODEL_CACHE"
CHUNK = 1 << 20


def cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """``$REFLEXION_MODEL_CACHE``, else ``$XDG_CACHE_HOME/reflexion/models``, else ``~/.cache/reflexion/models``."""
    env = os.environ if env is None else env
    if env.get(CACHE_ENV):
        return Path(env[CACHE_ENV]).expanduser()
    base = Path(env["XDG_CACHE_HOME"]).expanduser() if env.get("XDG_CACHE_HOME") else Path.home() / ".cache"
    return base / "reflexion" / "models"


def locate_part(part: Part, model: KnownModel) -> Path:
    """The installed file of ``part``, from its distribution's file list (the package is never imported)."""
    try:
        dist = distribution(part.package)
    except PackageNotFoundError:
        raise SettingsError(
            f"the local model {model.name} needs the package {part.package}=={part.version}, which is not installed: "
            f"run {model.install_hint}"
        ) from None
    if dist.version != part.version:
        raise SettingsError(
            f"{part.package} is installed at version {dist.version}, but {model.name} is pinned to {part.version}: run {model.install_hint}"
        )
    for file in dist.files or []:
        if file.name == part.file:
            located = Path(str(file.locate()))
            if located.is_file():
                return located
    raise SettingsError(f"{part.package} is installed but its file {part.file} is missing: reinstall it with {model.install_hint}")


def model_path(model: KnownModel, *, cache: Path | None = None, announce: Callable[[str], None] = lambda _: None) -> Path:
    """The GGUF file of ``model``, assembled into the cache first when it comes in parts."""
    if len(model.parts) == 1 and not model.sha256:
        return locate_part(model.parts[0], model).resolve()  # served in place from its wheel
    sources = [locate_part(part, model) for part in model.parts]  # every part present before any work
    target = (cache or cache_dir()) / model.filename
    if _looks_done(target, model):
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SettingsError(f"cannot create the model cache {target.parent}: {exc.strerror or exc} (set {CACHE_ENV})") from exc
    with FileLock(f"{target}.lock"):
        if _looks_done(target, model):  # another process built it while we waited
            return target
        for stale in target.parent.glob(f".{target.name}.*.part"):  # left by a process killed mid-write
            stale.unlink(missing_ok=True)
        announce(f"Assembling {model.title} from {len(sources)} installed parts into {target} (once) ...")
        _assemble(sources, target, model)
    return target


def _looks_done(target: Path, model: KnownModel) -> bool:
    try:
        return target.stat().st_size == model.size
    except OSError:
        return False


def _assemble(sources: list[Path], target: Path, model: KnownModel) -> None:
    digest = hashlib.sha256()
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for source in sources:
                with source.open("rb") as piece:
                    while chunk := piece.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
            size = out.tell()
        if size != model.size or digest.hexdigest() != model.sha256:
            raise SettingsError(
                f"the installed parts of {model.name} do not add up to the pinned model "
                f"({size:,} bytes, sha256 {digest.hexdigest()[:16]}..., expected {model.size:,} bytes, {model.sha256[:16]}...): "
                f"reinstall them with {model.install_hint.replace('pip install', 'pip install --force-reinstall', 1)}"
            )
        os.chmod(temp, 0o644)  # mkstemp makes it private; the model is not a secret
        os.replace(temp, target)
        _fsync_dir(target.parent)
    except OSError as exc:
        raise SettingsError(f"cannot write {target}: {exc.strerror or exc} (free some space, or set {CACHE_ENV})") from exc
    finally:
        temp.unlink(missing_ok=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
